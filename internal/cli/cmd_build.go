package cli

import "errors"

// runBuild is not written yet; its issue owns this file.
func runBuild(env *Env, args []string) error {
	return errors.New("not implemented yet")
}
