// Package deploy holds no code: its tests run the examples of this folder
// (slurm/cxlseg.sbatch, k8s/indexed-job.yaml) the way a cluster would, on a
// real single-node Slurm cluster started on localhost.
package deploy
