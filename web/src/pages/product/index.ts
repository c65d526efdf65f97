export { ProductPage } from './product-page.js';
