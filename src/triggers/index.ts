export { checkTriggers, scheduleNamed, scheduleTriggers, startTriggers, withCliQueues, type RunningTriggers, type TriggerHost } from './triggers.js';
export { listenForTriggerKeys } from './trigger-keys.js';
export { parseSchedule, ScheduleError, type Schedule } from './schedule.js';
export { acceleratedClock, type Clock } from './clock.js';
