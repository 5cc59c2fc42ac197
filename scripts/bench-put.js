// Benchmarks of `momento-eb put` (cold single put vs the AWS CLIs, batch throughput).
// Filled in with the put command; returns table rows like the suites in bench.js.
export async function benchPut() {
  return []
}
