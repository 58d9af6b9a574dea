//go:build linux

package deploy

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"image/jpeg"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cxlseg/cxlseg/dataset"
	"github.com/cxlseg/cxlseg/internal/testenv"
)

// RequireSlurm makes a missing Slurm or munge fail the test instead of
// skipping it (CI sets it after installing them).
const RequireSlurm = "CXLSEG_REQUIRE_SLURM"

// cluster is a single-node Slurm cluster (munged, slurmctld, slurmd) under
// one temporary folder, stopped by the test's cleanup even on failure.
type cluster struct {
	t    *testing.T
	dir  string
	conf string
}

// startCluster starts the daemons and waits until the node is idle.
func startCluster(t *testing.T) *cluster {
	t.Helper()
	for _, b := range []string{"munged", "slurmctld", "slurmd", "sbatch", "squeue", "scontrol", "sinfo"} {
		if _, err := exec.LookPath(b); err != nil {
			testenv.Missing(t, RequireSlurm, fmt.Sprintf("%s not found (install Debian's slurm-wlm and munge)", b))
		}
	}
	d := t.TempDir()
	c := &cluster{t: t, dir: d, conf: filepath.Join(d, "slurm.conf")}
	mk := func(p string, mode os.FileMode) {
		if err := os.MkdirAll(filepath.Join(d, p), mode); err != nil {
			t.Fatal(err)
		}
	}
	mk("munge", 0o700)
	mk("state", 0o755)
	mk("spool", 0o755)
	key := make([]byte, 1024)
	rand.Read(key)
	if err := os.WriteFile(filepath.Join(d, "munge", "munge.key"), key, 0o400); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(d, "munge", "munge.sock")
	c.run("munged", "--force", "--key-file="+filepath.Join(d, "munge", "munge.key"), "--socket="+sock,
		"--pid-file="+filepath.Join(d, "munge", "munged.pid"), "--log-file="+filepath.Join(d, "munge", "munged.log"),
		"--seed-file="+filepath.Join(d, "munge", "munged.seed"))
	t.Cleanup(func() { c.stop(filepath.Join(d, "munge", "munged.pid")) })

	host, _ := os.Hostname()
	host, _, _ = strings.Cut(host, ".")
	conf := fmt.Sprintf(`ClusterName=cxlsegtest
SlurmctldHost=%[1]s(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=%[2]d
SlurmdPort=%[3]d
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=%[4]s
StateSaveLocation=%[5]s/state
SlurmdSpoolDir=%[5]s/spool
SlurmctldPidFile=%[5]s/slurmctld.pid
SlurmdPidFile=%[5]s/slurmd.pid
SlurmctldLogFile=%[5]s/slurmctld.log
SlurmdLogFile=%[5]s/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=%[1]s NodeAddr=127.0.0.1 CPUs=%[6]d RealMemory=%[7]d State=UNKNOWN
PartitionName=test Nodes=%[1]s Default=YES MaxTime=INFINITE State=UP
`, host, freePort(t), freePort(t), sock, d, 2, 4096+512)
	if err := os.WriteFile(c.conf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	c.run("slurmctld", "-i", "-f", c.conf)
	t.Cleanup(func() { c.stop(filepath.Join(d, "slurmctld.pid")) })
	c.run("slurmd", "-f", c.conf, "-N", host)
	t.Cleanup(func() { c.stop(filepath.Join(d, "slurmd.pid")) })
	deadline := time.Now().Add(60 * time.Second)
	for {
		out, _ := c.cmd("sinfo", "-h", "-o", "%t").CombinedOutput()
		if strings.TrimSpace(string(out)) == "idle" {
			return c
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(d, "slurmctld.log"))
			t.Fatalf("the node did not come up (sinfo: %q)\n%s", out, log)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// cmd returns a Slurm client command aimed at this cluster.
func (c *cluster) cmd(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "SLURM_CONF="+c.conf)
	return cmd
}

// run runs a daemon's start command (it forks into the background).
func (c *cluster) run(name string, args ...string) {
	c.t.Helper()
	if out, err := c.cmd(name, args...).CombinedOutput(); err != nil {
		c.t.Fatalf("%s: %v\n%s", name, err, out)
	}
}

// stop kills the daemon whose pid file is given.
func (c *cluster) stop(pidFile string) {
	b, err := os.ReadFile(pidFile)
	if err != nil {
		return
	}
	if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
		syscall.Kill(pid, syscall.SIGTERM)
		for i := 0; i < 50 && syscall.Kill(pid, 0) == nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
		syscall.Kill(pid, syscall.SIGKILL)
	}
}

// out runs a client command and returns its trimmed output.
func (c *cluster) out(name string, args ...string) string {
	c.t.Helper()
	b, err := c.cmd(name, args...).CombinedOutput()
	if err != nil {
		c.t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, b)
	}
	return strings.TrimSpace(string(b))
}

// state returns a job's state as scontrol reports it ("" once forgotten).
func (c *cluster) state(job string) string {
	b, _ := c.cmd("scontrol", "-o", "show", "job", job).CombinedOutput()
	for _, f := range strings.Fields(string(b)) {
		if v, ok := strings.CutPrefix(f, "JobState="); ok {
			return v
		}
	}
	return ""
}

// field returns the named fields of a job as scontrol reports them.
func (c *cluster) field(job string, names ...string) string {
	b, _ := c.cmd("scontrol", "-o", "show", "job", job).CombinedOutput()
	var out []string
	for _, f := range strings.Fields(string(b)) {
		for _, n := range names {
			if strings.HasPrefix(f, n+"=") {
				out = append(out, f)
			}
		}
	}
	return strings.Join(out, " ")
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestSlurmArrayAndMerge submits deploy/slurm/cxlseg.sbatch as written to a
// real Slurm cluster, as an array of 3 shards over a sample tree with 120
// phantoms, with the merge depending on it; requeues one array task while
// it runs (a preemption); and checks that the requeued task resumed from
// its journal, that the merged CSVs equal a one-machine build's byte for
// byte, and that every listed JPEG decodes.
func TestSlurmArrayAndMerge(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Slurm cluster")
	}
	c := startCluster(t)
	root := testenv.ModuleRoot(t)
	d := t.TempDir()
	bin := filepath.Join(d, "cxlseg")
	build := exec.Command("go", "build", "-o", bin, "./cmd/cxlseg")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	mimic, single, sharded := filepath.Join(d, "mimic"), filepath.Join(d, "single"), filepath.Join(d, "sharded")
	// 120 phantoms: enough images per shard (about 44) that the requeue
	// below lands while task 1 is still working.
	if out, err := exec.Command(bin, "sample", "--out", mimic, "--phantoms", "120").CombinedOutput(); err != nil {
		t.Fatalf("sample: %v\n%s", err, out)
	}
	t0 := time.Now()
	// The one-machine build, with the script's parameters, from the folder
	// the jobs run in (so that both find, or miss, ONNX Runtime alike).
	one := exec.Command(bin, "build", "--mimic", mimic, "--reports", mimic, "--out", single, "--backend", "auto",
		"--split", "cxlseg", "--seed", "20230101", "--labels", "chexpert", "--quiet")
	one.Dir = d
	if out, err := one.CombinedOutput(); err != nil {
		t.Fatalf("one-machine build: %v\n%s", err, out)
	}
	t.Logf("one-machine build: %v", time.Since(t0))

	// The array, as written; only its documented variables and the array
	// size (a command-line option, which takes precedence) are set.
	t1 := time.Now()
	sb := c.cmd("sbatch", "--parsable", "--array=0-2", "--open-mode=append", "--chdir="+d, filepath.Join(root, "deploy", "slurm", "cxlseg.sbatch"))
	sb.Env = append(sb.Env, "MIMIC="+mimic, "REPORTS="+mimic, "CXLSEG_OUT="+sharded, "CXLSEG="+bin)
	out, err := sb.CombinedOutput()
	if err != nil {
		t.Fatalf("sbatch: %v\n%s", err, out)
	}
	array := strings.TrimSpace(string(out))
	merge := c.out("sbatch", "--parsable", "--dependency=afterok:"+array, "--job-name=cxlseg-merge", "--chdir="+d,
		"--output="+filepath.Join(d, "merge.log"), "--wrap", bin+" merge --out "+sharded)
	t.Logf("submitted array %s and merge %s", array, merge)

	// Preemption: requeue task 1 as soon as it has journaled an image (the
	// signal lands a few images later; the log shows how many were done).
	task := array + "_1"
	journal := filepath.Join(sharded, "shards", "1-of-3", "journal.jsonl")
	deadline := time.Now().Add(5 * time.Minute)
	for lines(journal) < 1 {
		if time.Now().After(deadline) || c.state(task) == "COMPLETED" {
			t.Fatalf("task 1 never got going: state %s, %d journal lines", c.state(task), lines(journal))
		}
		time.Sleep(10 * time.Millisecond)
	}
	before := lines(journal)
	c.out("scontrol", "requeue", task)
	t.Logf("requeued task 1 after %d journaled images (state now %s)", before, c.state(task))
	// A requeued job gets a begin time minutes ahead; once it is pending
	// again, release it now.
	for i := 0; i < 300 && c.state(task) != "PENDING"; i++ {
		time.Sleep(100 * time.Millisecond)
	}
	c.out("scontrol", "update", "jobid="+task, "StartTime=now")

	for time.Now().Before(deadline) {
		if s := c.state(merge); s == "COMPLETED" || s == "FAILED" || s == "CANCELLED" || s == "TIMEOUT" {
			break
		}
		time.Sleep(time.Second)
	}
	squeue, _ := c.cmd("squeue").CombinedOutput()
	for _, j := range []string{array + "_0", array + "_1", array + "_2", merge} {
		t.Logf("job %s: %s, %s", j, c.state(j), c.field(j, "SubmitTime", "StartTime", "EndTime", "Restarts"))
	}
	if s := c.state(merge); s != "COMPLETED" {
		logs, _ := filepath.Glob(filepath.Join(d, "*.log"))
		var all strings.Builder
		for _, l := range logs {
			b, _ := os.ReadFile(l)
			fmt.Fprintf(&all, "== %s\n%s\n", l, b)
		}
		t.Fatalf("merge job %s; squeue:\n%s\n%s", s, squeue, all.String())
	}
	t.Logf("array and merge: %v", time.Since(t1))

	// The requeued task resumed: it ran twice (two runs in its log), and
	// its journal, which gets a line per image processed, has one line per
	// image of the shard: nothing journaled before the requeue was redone.
	log, _ := os.ReadFile(filepath.Join(d, fmt.Sprintf("cxlseg-%s_1.log", array)))
	t.Logf("task 1 log (both runs):\n%s", log)
	runs := strings.Count(string(log), "cxlseg build: ")
	m := regexp.MustCompile(`shard 1/3 has (\d+) images`).FindStringSubmatch(string(log))
	if runs < 2 || m == nil {
		t.Fatalf("task 1 ran %d times; want the first run and the requeued one", runs)
	}
	want, _ := strconv.Atoi(m[1])
	if got := lines(journal); got != want {
		t.Errorf("task 1's journal has %d lines for %d images: images were redone after the requeue", got, want)
	}
	if !strings.Contains(string(log), "DUE TO JOB REQUEUE") {
		t.Error("task 1's log does not show the requeue")
	}
	done := regexp.MustCompile(`(\d+) already done \(resumed\)`).FindAllStringSubmatch(string(log), -1)
	if len(done) == 0 {
		t.Fatal("no resume count in task 1's log")
	}
	if n, _ := strconv.Atoi(done[len(done)-1][1]); n < before {
		t.Errorf("the requeued run resumed %d images; %d were journaled before the requeue", n, before)
	}

	for _, f := range []string{dataset.SplitFile, dataset.SegmentedFile, dataset.MaskFile, dataset.MetadataFile,
		dataset.QAFile, dataset.ExclusionsFile} {
		a, _ := os.ReadFile(filepath.Join(single, f))
		b, err := os.ReadFile(filepath.Join(sharded, f))
		if err != nil || len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs between the one-machine build and the Slurm merge (%v)", f, err)
		}
	}
	ds, err := dataset.Open(sharded)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for r := range ds.All() {
		for _, p := range []string{r.ImagePath, r.MaskPath} {
			f, err := os.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			_, err = jpeg.Decode(f)
			f.Close()
			if err != nil {
				t.Errorf("%s: %v", p, err)
			}
			n++
		}
	}
	if ds.Len() < 120 {
		t.Errorf("merged dataset has %d images, want the 12 demo and 120 phantom ones", ds.Len())
	}
	t.Logf("merged dataset: %d images, %d JPEGs decoded", ds.Len(), n)
}

func lines(path string) int {
	b, _ := os.ReadFile(path)
	return bytes.Count(b, []byte{'\n'})
}
