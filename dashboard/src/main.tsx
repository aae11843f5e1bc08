import { render } from 'solid-js/web';
import { App } from './App.tsx';
import { createConnection } from './connection.ts';
import './styles.css';

const root = document.getElementById('app');
if (!root) throw new Error('index.html has no #app');
const connection = createConnection();
render(() => <App connection={connection} />, root);
