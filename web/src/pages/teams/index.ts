export { TeamPage } from './team-page.js';
export { TeamsPage } from './teams-page.js';
