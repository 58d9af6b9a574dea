package cli

import "errors"

// runReport is not written yet; its issue owns this file.
func runReport(env *Env, args []string) error {
	return errors.New("not implemented yet")
}
