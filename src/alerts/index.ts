export { AlertRecorder, PLATFORM_TEAM, type RecordOutcome } from './recorder.js';
export { Deliverer, backoff, type DeliveryOptions, type DeliveryStats } from './delivery.js';
export { sendTo, signBody, type Env, type SendOutcome } from './senders.js';
export { openAlerts, runFacts, testFacts, lastPublishedOf, type Alerts } from './open.js';
export { deliveryState, notificationView, type DeliveryState } from './view.js';
