export { QueryPage } from './query-page.js';
