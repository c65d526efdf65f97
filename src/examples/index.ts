export {
  ARTICLE_COUNT,
  EVENT_DAYS,
  ORDER_DAYS,
  ORDERS_PER_PART,
  asOfDay,
  generateGroceryData,
  type GenerateOptions,
  type GenerateSummary,
  type GeneratedFile,
} from './grocery-data.js';
