export { CatalogPage } from './catalog-page.js';
