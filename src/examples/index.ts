export {
  ARTICLE_COUNT,
  EVENT_DAYS,
  ORDER_DAYS,
  ORDERS_PER_PART,
  TRACKING_CONSENT_PERCENT,
  asOfDay,
  generateGroceryData,
  type GenerateOptions,
  type GenerateSummary,
  type GeneratedFile,
} from './grocery-data.js';
