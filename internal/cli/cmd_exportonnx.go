package cli

import "errors"

// runExportONNX is not written yet; its issue owns this file.
func runExportONNX(env *Env, args []string) error {
	return errors.New("not implemented yet")
}
