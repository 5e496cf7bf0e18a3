package main

import (
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// baselineBytes is what the idle service holds (Go runtime, genai client, TLS, buffers), measured
// as VmRSS after start plus a margin.
const baselineBytes = 48 << 20

// memoryLimitFromCgroup is the instance's memory: cgroup v2 memory.max, else cgroup v1's
// memory.limit_in_bytes (v1 reports ~8 EiB when unlimited), else 512 MiB — Cloud Run's default.
func memoryLimitFromCgroup() int64 {
	for _, path := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		raw, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		v, err := strconv.ParseInt(strings.TrimSpace(string(raw)), 10, 64)
		if err == nil && v > 0 && v < 1<<40 {
			return v
		}
	}
	return 512 << 20
}

// goMemoryLimit is the soft limit for Go's GC: it collects harder as the heap nears it, so garbage
// (spent bodies, request copies) is returned before the instance limit is reached.
func goMemoryLimit(limit int64) int64 { return limit / 4 * 3 }

// defaultMemoryBudget leaves the baseline and a quarter of the rest to the runtime (garbage between
// collections, stacks, fragmentation): 512 MiB → 252 MiB for requests.
func defaultMemoryBudget(limit int64) int64 {
	return max(1<<20, (goMemoryLimit(limit)-baselineBytes)/4*3)
}

// applyGoMemoryLimit sets GOMEMLIMIT semantics from the instance limit unless GOMEMLIMIT is set.
func applyGoMemoryLimit(limit int64) {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(goMemoryLimit(limit))
	}
}
