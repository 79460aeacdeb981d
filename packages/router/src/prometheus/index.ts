export {
  type MetricsSource,
  type PrometheusExposition,
  type PrometheusOptions,
  prometheusMetrics,
} from './prometheus.js';
