// The floor for bench/bench.py: a process that starts and exits at once,
// built with the same optimisation, LTO, strip and panic settings as
// sfconnect's release profile.
fn main() {}
