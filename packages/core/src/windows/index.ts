/** Pure helpers for the Windows backend: start+count conversion, netsh output parsers, explainPort. */
export * from './start-count.js';
export * from './netsh-dynamicport.js';
export * from './netsh-excluded.js';
export * from './explain-port.js';
