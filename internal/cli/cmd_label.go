package cli

import "errors"

// runLabel is not written yet; its issue owns this file.
func runLabel(env *Env, args []string) error {
	return errors.New("not implemented yet")
}
