export { MapPage } from './map-page.js';
