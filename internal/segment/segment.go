// Package segment defines the inference backend that turns preprocessed
// chest X-rays into lung probability maps, and chooses between the
// implementations (the native Go engine and ONNX Runtime).
package segment

// Size is the side of the square model input and output, in pixels.
const Size = 224

// Backend runs a lung segmentation network.
//
// Implementations are not safe for concurrent use: a pipeline owns one
// Backend and feeds it batches.
type Backend interface {
	// Name says which backend runs and with what settings (threads,
	// execution provider), for logs and the build manifest.
	Name() string
	// MaxBatch is the largest n that Predict accepts.
	MaxBatch() int
	// Predict runs the network on n images. in holds n*Size*Size
	// preprocessed values (NCHW, one channel, see package preprocess);
	// probs receives n*Size*Size lung probabilities in [0, 1].
	Predict(in []float32, n int, probs []float32) error
	// Close releases the backend's buffers and native resources.
	Close() error
}
