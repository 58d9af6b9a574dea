package cli

import "errors"

// runSample is not written yet; its issue owns this file.
func runSample(env *Env, args []string) error {
	return errors.New("not implemented yet")
}
