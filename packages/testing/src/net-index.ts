export { type ConnectionCounter, startConnectionCounter } from './net/connection-counter.js';
