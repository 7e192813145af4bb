# pv-ipam-tests' adaptation of pantavisor's plugins/pv_lxc.c to Debian's liblxc (upstream LXC
# 5.0.x), used by dev/build-image.sh on a COPY of the user's tree. Pantavisor targets its own LXC
# fork; these are the four fork-only uses, each replaced by what upstream LXC offers.
# dev/adapt-pv-lxc.sh checks that nothing fork-only is left afterwards.

# 1. the fork's export header does not exist upstream
/^[[:space:]]*#[[:space:]]*include[[:space:]]*<lxc\/pv_export\.h>/d

# 2. no set_container_type() upstream: the container=pv-<group> variable of pid 1 as an
#    lxc.environment item instead. Seen on Debian's liblxc 5.0.2: pid 1 still gets container=lxc
#    (liblxc sets it after lxc.environment); nothing in the plan reads it
s/^\([[:space:]]*\)c->set_container_type(c, \([A-Za-z_][A-Za-z0-9_]*\));/\1{ char pv_dev_env[PATH_MAX * 2 + 16]; snprintf(pv_dev_env, sizeof(pv_dev_env), "container=%s", \2); c->set_config_item(c, "lxc.environment", pv_dev_env); } \/* pv-ipam-tests dev: upstream LXC *\//

# 3. no lxc_log_set_alternative_output() upstream: lxc_log_init() again, its file the same fd
#    (the first init had no file, so liblxc's log is still unopened and takes this one)
s/^\([[:space:]]*\)lxc_log_set_alternative_output(\([A-Za-z_][A-Za-z0-9_]*\));/\1{ static char pv_dev_logfile[64]; snprintf(pv_dev_logfile, sizeof(pv_dev_logfile), "\/proc\/self\/fd\/%d", \2); pv_lxc_log.file = pv_dev_logfile; lxc_log_init(\&pv_lxc_log); } \/* pv-ipam-tests dev: upstream LXC *\//

# 4. lxc.rootfs.bdev_type is a fork-only key (upstream logs "Unsupported config key" on every
#    start): upstream keeps the "overlayfs:" prefix inside lxc.rootfs.path itself, so the prefix
#    the fork rebuilds ("<bdev_type>:") is left empty, colon included
/c->get_config_item(c, "lxc\.rootfs\.bdev_type", \([A-Za-z_][A-Za-z0-9_]*\), [A-Za-z_0-9]*);/,/\[ret + 1\] = 0;/c\
	path[0] = 0; /* pv-ipam-tests dev: upstream LXC keeps the bdev prefix in lxc.rootfs.path */
