export { eventsFromFreshness, eventsFromRun, fingerprintOf, scheduleFingerprint, scheduleMissed, downstreamOf, upstreamOf, label, type AlertEvent, type Attachment, type EventKind, type FreshnessFact, type Observations, type RunFacts, type Severity } from './events.js';
export { planIncidents, openNodes, DEFAULT_REOPEN_WINDOW_MS, type IncidentPlan, type KnownIncident } from './plan.js';
export { planMessages, impactedTeams, impactTitle, incidentTitle, type ImpactItem, type IncidentFacts, type Message, type MessageItem } from './notify.js';
export { cutMiddle, plainText, slackPayload, SLACK_LIMITS, type SlackBlock } from './format.js';
export { channelKey, channelPlace, channelProblem, channelRef, channelUrl, literalSecret, type ChannelRef } from './channels.js';
export { sunsetNotices, SUNSET_REMINDERS } from './lifecycle.js';
export { DEFAULT_POLICY, openFor, planRepeats, policies, quietUntil, routeMessage, type AlertPolicy, type ChannelTarget, type PolicySource, type QuietHours, type RepeatCandidate, type Route, type Routing } from './routing.js';
