import { describeHttpReadYourWrites } from './http-read-your-writes-suite.js';
import { readsServed } from './lagging-app.js';
import { startTrpcCluster } from './trpc-cluster.js';

// PGlite primary, one lagging in-memory replica (replay paused by the suite before every test).
describeHttpReadYourWrites('PGlite, lagging in-memory replica', async () => {
  const cluster = await startTrpcCluster();
  return {
    router: cluster.router,
    pause: async () => cluster.replica.pause(),
    async catchUp() {
      cluster.replica.resume();
      await cluster.replica.catchUp();
      await cluster.router.checkHealth();
    },
    readsServed: () => readsServed(cluster.router),
    close: () => cluster.close(),
  };
});
