package cpufeat

import (
	"os"
	"runtime"
	"strings"
	"testing"
)

// TestAgreesWithProcCPUInfo compares with the kernel's view on Linux/amd64.
func TestAgreesWithProcCPUInfo(t *testing.T) {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil || runtime.GOARCH != "amd64" {
		t.Skip("no /proc/cpuinfo on amd64 here")
	}
	var flags []string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "flags") {
			flags = strings.Fields(line)
			break
		}
	}
	has := func(f string) bool {
		for _, x := range flags {
			if x == f {
				return true
			}
		}
		return false
	}
	purego := !HasAVX2() && !HasAVX512() && has("avx2")
	if purego {
		t.Skip("assembly disabled (purego build)")
	}
	if HasAVX2() != has("avx2") || HasAVX2FMA() != (has("avx2") && has("fma")) || HasAVX512() != has("avx512f") {
		t.Errorf("avx2 %v fma %v avx512 %v; /proc/cpuinfo avx2 %v fma %v avx512f %v",
			HasAVX2(), HasAVX2FMA(), HasAVX512(), has("avx2"), has("fma"), has("avx512f"))
	}
}
