import '@backstage/cli/asset-types';
// Backstage UI's design tokens (spacing, colours): the new frontend system's
// pages (e.g. the catalog's header and containers) are built with it.
import '@backstage/ui/css/styles.css';
import ReactDOM from 'react-dom/client';
import App from './App';

ReactDOM.createRoot(document.getElementById('root')!).render(App);
