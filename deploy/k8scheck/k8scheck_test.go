// Package k8scheck validates deploy/k8s/indexed-job.yaml against the
// Kubernetes API types (k8s.io/api/batch/v1): each document must decode
// strictly (no unknown or misspelt field, every value of the right type)
// into a Job. It is a module of its own so that the cxlseg module does not
// carry Kubernetes' dependencies; CI runs `go test` here.
package k8scheck

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	"sigs.k8s.io/yaml"
)

func TestIndexedJobYAML(t *testing.T) {
	b, err := os.ReadFile("../k8s/indexed-job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	docs := bytes.Split(b, []byte("\n---\n"))
	if len(docs) != 2 {
		t.Fatalf("%d documents, want the build Job and the merge Job", len(docs))
	}
	var build, merge batchv1.Job
	for i, dst := range []*batchv1.Job{&build, &merge} {
		if err := yaml.UnmarshalStrict(docs[i], dst); err != nil {
			t.Fatalf("document %d is not a valid batch/v1 Job: %v", i+1, err)
		}
		if dst.APIVersion != "batch/v1" || dst.Kind != "Job" {
			t.Errorf("document %d: %s %s", i+1, dst.APIVersion, dst.Kind)
		}
	}
	s := build.Spec
	if s.CompletionMode == nil || *s.CompletionMode != batchv1.IndexedCompletion || s.Completions == nil {
		t.Fatal("the build Job is not an Indexed Job with completions")
	}
	if s.BackoffLimitPerIndex == nil {
		t.Error("the build Job has no backoffLimitPerIndex (a failed shard would fail them all)")
	}
	args := strings.Join(build.Spec.Template.Spec.Containers[0].Args, " ")
	want := "--shards=" + strconv.Itoa(int(*s.Completions))
	if !strings.Contains(args, "build") || !strings.Contains(args, want) {
		t.Errorf("build args %q lack %s", args, want)
	}
	margs := strings.Join(merge.Spec.Template.Spec.Containers[0].Args, " ")
	if !strings.HasPrefix(margs, "merge") || !strings.Contains(margs, want) {
		t.Errorf("merge args %q lack %s", margs, want)
	}
}

// TestStrictCatchesTypos is the negative control: a misspelt field or a
// value of the wrong type fails the check.
func TestStrictCatchesTypos(t *testing.T) {
	b, err := os.ReadFile("../k8s/indexed-job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc := bytes.Split(b, []byte("\n---\n"))[0]
	for _, bad := range [][2]string{{"backoffLimitPerIndex:", "backofLimitPerIndex:"}, {"completions: 16", "completions: sixteen"}} {
		var j batchv1.Job
		if err := yaml.UnmarshalStrict(bytes.Replace(doc, []byte(bad[0]), []byte(bad[1]), 1), &j); err == nil {
			t.Errorf("%q accepted", bad[1])
		}
	}
}
