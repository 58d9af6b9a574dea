package cli

import "errors"

// runExport is not written yet; its issue owns this file.
func runExport(env *Env, args []string) error {
	return errors.New("not implemented yet")
}
