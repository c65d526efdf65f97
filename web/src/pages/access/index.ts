export { AccessPage } from './access-page.js';
