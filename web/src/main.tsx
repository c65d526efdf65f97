import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// The shared styles first, so that each page's own CSS (imported with the page) wins ties.
import './styles.css';
import { App } from './app.js';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
