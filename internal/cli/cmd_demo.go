package cli

import "errors"

// runDemo is not written yet; its issue owns this file.
func runDemo(env *Env, args []string) error {
	return errors.New("not implemented yet")
}
