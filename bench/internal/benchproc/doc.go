// Package benchproc runs the processes of bench/'s pinned side-by-side benchmarks (bench/cmd/echobench,
// bench/cmd/rpcbench) and reports what they measured.
//
// # Model
//
// Each run starts a fresh server process pinned to CPU 0 and a load process pinned to CPU 1 (taskset -c,
// when pinning is on). The server prints "listening <addr>" and then answers "stats" and "gc" commands
// on its stdin (ServeCommands). The load process prints "window" when its measured window opens and one
// JSON LoadResult line when it closes. Between the two lines the driver reads the server's CPU time
// (utime+stime from /proc/PID/stat), its threads' run-queue wait (/proc/PID/task/*/schedstat), its Go
// allocation count and, at the end, its RSS (RunWindow). Every run stops by itself: the load process is
// bounded by its own window and by the context the driver gives its command, and both processes are
// killed by PID when the run ends.
//
// # Reporting
//
// PrintTable writes the medians over repetitions as a readable table; BenchLines writes every run in Go
// benchmark format for benchstat (`benchstat -col /impl`).
package benchproc
