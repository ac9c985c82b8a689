/** Pure helpers for the Windows backend: start+count conversion, netsh output parsers, explainExcludedPort. */
export * from './netsh-dynamicport.js';
export * from './netsh-excluded.js';
export * from './explain-port.js';
