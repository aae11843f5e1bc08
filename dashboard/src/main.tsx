import { render } from 'solid-js/web';
import { Root } from './Root.tsx';
import './styles.css';

const root = document.getElementById('app');
if (!root) throw new Error('index.html has no #app');
render(() => <Root />, root);
