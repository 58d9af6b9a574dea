package cli

import "errors"

// runMerge is not written yet; its issue owns this file.
func runMerge(env *Env, args []string) error {
	return errors.New("not implemented yet")
}
