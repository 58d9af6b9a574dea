package cli

import "errors"

// runSections is not written yet; its issue owns this file.
func runSections(env *Env, args []string) error {
	return errors.New("not implemented yet")
}
