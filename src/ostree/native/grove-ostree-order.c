/*
 * grove-ostree-order SYSROOT first|last STATEROOT CHECKSUM SERIAL
 *
 * Moves the deployment STATEROOT/CHECKSUM.SERIAL to the front of SYSROOT's boot entries (it
 * boots next) or to their end, every other deployment keeping its order. `first` is what
 * `ostree admin set-default` does since ostree 2023.6, for the ostree that has not got it
 * (Debian 12 ships 2022.7); `last` has no ostree command at all. Both go through libostree's
 * public API (ostree_sysroot_write_deployments_with_options, since 2017.4).
 *
 * Why grove needs it: a bisection deploys both possible next candidates ahead, at the end of
 * the list (where they change neither the next boot nor the rollback), and a verdict then only
 * moves one of them first: one boot-entry write instead of a whole deploy.
 *
 * Unlike `admin set-default`, it skips the cleanup after the write: that cleanup prunes the
 * whole repository, the slowest part, and grove's next undeploy (in the background) runs it.
 *
 * Naming the deployment by checksum and serial, not by index, means a list that changed since
 * the caller looked cannot make it move the wrong tree.
 *
 * Exit: 0 done (also when the deployment already was there), 1 error (an `error:` line on
 * stderr, as ostree prints them), 2 usage.
 */
#include <errno.h>
#include <ostree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
fail (GError *error)
{
  fprintf (stderr, "error: %s\n", error->message);
  return 1;
}

int
main (int argc, char **argv)
{
  if (argc != 6 || (strcmp (argv[2], "first") != 0 && strcmp (argv[2], "last") != 0))
    {
      fprintf (stderr, "usage: %s SYSROOT first|last STATEROOT CHECKSUM SERIAL\n", argv[0]);
      return 2;
    }
  const gboolean to_front = strcmp (argv[2], "first") == 0;
  const char *stateroot = argv[3];
  const char *checksum = argv[4];
  char *end = NULL;
  errno = 0;
  long serial = strtol (argv[5], &end, 10);
  if (errno != 0 || end == argv[5] || *end != '\0' || serial < 0)
    {
      fprintf (stderr, "error: serial %s is not a number\n", argv[5]);
      return 2;
    }

  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) path = g_file_new_for_path (argv[1]);
  g_autoptr (OstreeSysroot) sysroot = ostree_sysroot_new (path);
  /* The same lock every `ostree admin` command that writes takes. */
  if (!ostree_sysroot_lock (sysroot, &error))
    return fail (error);
  if (!ostree_sysroot_load (sysroot, NULL, &error))
    return fail (error);

  /* A copy that holds a reference to each deployment. */
  g_autoptr (GPtrArray) deployments = ostree_sysroot_get_deployments (sysroot);
  guint found = G_MAXUINT;
  for (guint i = 0; i < deployments->len; i++)
    {
      OstreeDeployment *d = deployments->pdata[i];
      if (strcmp (ostree_deployment_get_osname (d), stateroot) == 0
          && strcmp (ostree_deployment_get_csum (d), checksum) == 0
          && ostree_deployment_get_deployserial (d) == serial)
        found = i;
    }
  if (found == G_MAXUINT)
    {
      fprintf (stderr, "error: no deployment %s/%s.%ld in %s\n", stateroot, checksum, serial,
               argv[1]);
      return 1;
    }
  if ((to_front && found == 0) || (!to_front && found == deployments->len - 1))
    return 0;

  OstreeDeployment *target = g_object_ref (deployments->pdata[found]);
  g_ptr_array_remove_index (deployments, found); /* drops the array's reference */
  if (to_front)
    g_ptr_array_insert (deployments, 0, target);
  else
    g_ptr_array_add (deployments, target);

  OstreeSysrootWriteDeploymentsOpts opts = { .do_postclean = FALSE };
  if (!ostree_sysroot_write_deployments_with_options (sysroot, deployments, &opts, NULL, &error))
    return fail (error);
  ostree_sysroot_unlock (sysroot);
  return 0;
}
