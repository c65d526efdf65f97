export { RunPage } from './run-page.js';
export { RunsPage } from './runs-page.js';
