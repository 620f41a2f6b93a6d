const t0 = performance.now();
await import(Deno.args[0]);
const t1 = performance.now();
console.log(`${(t1 - t0).toFixed(2)} ms ${Deno.args[0]}`);
