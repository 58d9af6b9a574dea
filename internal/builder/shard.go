package builder

import (
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// Shard selects the part of the images one machine processes: images whose
// stable hash of dicom_id is Index modulo Count. Every image falls in
// exactly one shard, so shards are disjoint and complete by construction.
type Shard struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

// All is the single shard holding every image.
var All = Shard{Index: 0, Count: 1}

// Of reports which shard of count holds dicomID. FNV-1a is fixed by its
// definition, so the assignment is the same on every machine and release.
func Of(dicomID string, count int) int {
	h := fnv.New64a()
	h.Write([]byte(dicomID))
	return int(h.Sum64() % uint64(count))
}

// Has reports whether dicomID belongs to s.
func (s Shard) Has(dicomID string) bool {
	return s.Count <= 1 || Of(dicomID, s.Count) == s.Index
}

// Sharded reports whether s is one part of several.
func (s Shard) Sharded() bool { return s.Count > 1 }

// Dir is the shard's state directory name under OUT/shards.
func (s Shard) Dir() string { return fmt.Sprintf("%d-of-%d", s.Index, s.Count) }

// String formats s as "i/N".
func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// ParseShard parses "i/N" with 0 <= i < N.
func ParseShard(v string) (Shard, error) {
	a, b, ok := strings.Cut(v, "/")
	if !ok {
		return Shard{}, fmt.Errorf("shard %q: want i/N, e.g. 0/8", v)
	}
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("shard %q: want i/N with integers", v)
	}
	return checkShard(i, n)
}

func checkShard(i, n int) (Shard, error) {
	if n < 1 || i < 0 || i >= n {
		return Shard{}, fmt.Errorf("shard %d/%d: want 0 <= i < N", i, n)
	}
	return Shard{Index: i, Count: n}, nil
}

// ShardFromEnv resolves the shard from the flag value and the batch
// system's environment: an explicit --shard wins; otherwise
// JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID
// gives the index and shards (the --shards flag) or SLURM_ARRAY_TASK_COUNT
// the count. getenv is os.Getenv in production.
func ShardFromEnv(flag string, shards int, getenv func(string) string) (Shard, error) {
	if flag != "" {
		s, err := ParseShard(flag)
		if err == nil && shards > 0 && shards != s.Count {
			return Shard{}, fmt.Errorf("--shard %s disagrees with --shards %d", flag, shards)
		}
		return s, err
	}
	idxVar, idx := "", ""
	for _, v := range []string{"JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"} {
		if x := getenv(v); x != "" {
			idxVar, idx = v, x
			break
		}
	}
	if idx == "" {
		if shards > 1 {
			return Shard{}, errors.New("--shards given but no index: set --shard i/N, JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID")
		}
		return All, nil
	}
	i, err := strconv.Atoi(idx)
	if err != nil {
		return Shard{}, fmt.Errorf("%s=%q: not an integer", idxVar, idx)
	}
	n := shards
	if n == 0 {
		if c := getenv("SLURM_ARRAY_TASK_COUNT"); c != "" && idxVar == "SLURM_ARRAY_TASK_ID" {
			if n, err = strconv.Atoi(c); err != nil {
				return Shard{}, fmt.Errorf("SLURM_ARRAY_TASK_COUNT=%q: not an integer", c)
			}
		}
	}
	if idxVar == "SLURM_ARRAY_TASK_ID" {
		// Slurm arrays may start at 1 (--array=1-N); SLURM_ARRAY_TASK_MIN says.
		if m := getenv("SLURM_ARRAY_TASK_MIN"); m != "" {
			if lo, err := strconv.Atoi(m); err == nil {
				i -= lo
			}
		}
	}
	if n == 0 {
		return Shard{}, fmt.Errorf("%s=%s set but no shard count: pass --shards N", idxVar, idx)
	}
	return checkShard(i, n)
}
