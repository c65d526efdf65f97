import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// The shared styles first, so that each page's own CSS (imported with the page) wins ties.
import './styles.css';
import { App, preloadPage } from './app.js';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
// A failed preload is no reason not to render: the page then loads lazily as usual.
void preloadPage(window.location.pathname)
  .catch(() => undefined)
  .then(() => {
    createRoot(root).render(
      <StrictMode>
        <App />
      </StrictMode>,
    );
  });
