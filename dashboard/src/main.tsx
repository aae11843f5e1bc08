import { render } from 'solid-js/web';
import { Root } from './Root.tsx';
// In cascade order: the phone layout overrides the others.
import './styles/base.css';
import './styles/table.css';
import './styles/panel.css';
import './styles/account.css';
import './styles/overview.css';
import './styles/phone.css';

const root = document.getElementById('app');
if (!root) throw new Error('index.html has no #app');
render(() => <Root />, root);
