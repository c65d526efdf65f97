export { IncidentPage } from './incident-page.js';
export { IncidentsPage } from './incidents-page.js';
export { OpenIncidents } from './open-incidents.js';
export { ProductIncidents } from './product-incidents.js';
export { DeliveryLog } from './delivery-log.js';
export { IncidentTimes } from './incident-times.js';
