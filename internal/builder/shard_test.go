package builder

import (
	"fmt"
	"testing"
)

func TestShardsDisjointAndComplete(t *testing.T) {
	for _, n := range []int{1, 2, 3, 8, 17} {
		counts := make([]int, n)
		for k := range 5000 {
			id := fmt.Sprintf("%08x-%04d", k*2654435761, k)
			owners := 0
			for i := range n {
				if (Shard{Index: i, Count: n}).Has(id) {
					owners++
					counts[i]++
				}
			}
			if owners != 1 {
				t.Fatalf("N=%d: %s has %d owners", n, id, owners)
			}
		}
		for i, c := range counts {
			if c < 5000/n/2 {
				t.Errorf("N=%d shard %d: only %d of 5000 images", n, i, c)
			}
		}
	}
}

func TestShardStable(t *testing.T) {
	// Fixed values: the assignment must never change between releases,
	// or shards of a run that spans an upgrade would overlap.
	tests := []struct {
		id   string
		n    int
		want int
	}{
		{"02aa804e-bde0afdd-112c0b34-7bc16630-4e384014", 8, 1},
		{"02aa804e-bde0afdd-112c0b34-7bc16630-4e384014", 3, 0},
	}
	for _, tt := range tests {
		if got := Of(tt.id, tt.n); got != tt.want {
			t.Errorf("Of(%s, %d) = %d, want %d", tt.id, tt.n, got, tt.want)
		}
	}
	if got := Of("a", 1000); got != int(0xaf63dc4c8601ec8c%1000) {
		t.Errorf("Of(a) = %d: FNV-1a changed", got)
	}
}

func TestShardFromEnv(t *testing.T) {
	tests := []struct {
		flag   string
		shards int
		env    map[string]string
		want   Shard
		bad    bool
	}{
		{"", 0, nil, All, false},
		{"2/8", 0, nil, Shard{2, 8}, false},
		{"8/8", 0, nil, Shard{}, true},
		{"-1/8", 0, nil, Shard{}, true},
		{"x", 0, nil, Shard{}, true},
		{"2/8", 4, nil, Shard{}, true},
		{"", 4, map[string]string{"JOB_COMPLETION_INDEX": "3"}, Shard{3, 4}, false},
		{"", 0, map[string]string{"JOB_COMPLETION_INDEX": "3"}, Shard{}, true},
		{"", 4, map[string]string{"JOB_COMPLETION_INDEX": "4"}, Shard{}, true},
		{"", 0, map[string]string{"SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_COUNT": "6"}, Shard{5, 6}, false},
		{"", 0, map[string]string{"SLURM_ARRAY_TASK_ID": "6", "SLURM_ARRAY_TASK_COUNT": "6", "SLURM_ARRAY_TASK_MIN": "1"}, Shard{5, 6}, false},
		{"", 0, map[string]string{"SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_COUNT": "6"}, Shard{}, true},
		{"1/2", 0, map[string]string{"JOB_COMPLETION_INDEX": "0"}, Shard{1, 2}, false},
		{"", 3, nil, Shard{}, true},
	}
	for _, tt := range tests {
		got, err := ShardFromEnv(tt.flag, tt.shards, func(k string) string { return tt.env[k] })
		if (err != nil) != tt.bad || (!tt.bad && got != tt.want) {
			t.Errorf("ShardFromEnv(%q, %d, %v) = %v, %v; want %v, bad=%v", tt.flag, tt.shards, tt.env, got, err, tt.want, tt.bad)
		}
	}
}
