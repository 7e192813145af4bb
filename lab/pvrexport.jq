# The json of the example pvrexports: a device's, and a container's as pvr's builtin-lxc-docker
# template renders it from the example's args.json. One file for both export builders:
# lab/build.sh (owner) and dev/build-exports.sh read it with `jq -L <lab dir> 'include
# "pvrexport"; ...'`; each passes what its pvr writes besides ($extra). Both print with -S, so
# the key order here does not matter.

# a device export's json, from the device.json it holds (the input)
def device_export: {"#spec": "pantavisor-service-system@1", "device.json": .};

# <PN>/run.json: the template's fields, the builder's $extra, then PV_RESTART_POLICY and the
# PV_NETWORK_* patch of meta-pantavisor's pvr
def run_json($pn; $a; $extra):
	{
		"#spec": "service-manifest-run@1",
		"name": $pn,
		"config": "lxc.container.conf",
		"type": "lxc",
		"root-volume": "root.squashfs",
		"group": "root",
		"drivers": {"manual": [], "optional": [], "required": []},
		"logs": [],
		"volumes": []
	}
	+ $extra
	+ (if $a.PV_RESTART_POLICY then {"restart_policy": $a.PV_RESTART_POLICY} else {} end)
	+ (if $a.PV_NETWORK_POOL then {"network": ({"pool": $a.PV_NETWORK_POOL, "hostname": ($a.PV_NETWORK_HOSTNAME // $pn)}
		+ (if $a.PV_NETWORK_IP then {"ip": $a.PV_NETWORK_IP} else {} end)
		+ (if $a.PV_NETWORK_MAC then {"mac": $a.PV_NETWORK_MAC} else {} end))} else {} end);

# <PN>/src.json: what pvr writes, plus the Yocto class's pv_build_origin, plus $extra
def src_json($a; $extra):
	{
		"#spec": "service-manifest-src@1",
		"template": "builtin-lxc-docker",
		"args": $a,
		"persistence": {},
		"pv_build_origin": "yocto"
	}
	+ $extra;

# the export's json: run.json, src.json, the two objects' sha256 and the pvs@2 signature entry
def container_json($pn; $run; $src; $conf; $root; $protected; $signature):
	{
		"#spec": "pantavisor-service-system@1",
		($pn + "/run.json"): $run,
		($pn + "/src.json"): $src,
		($pn + "/lxc.container.conf"): $conf,
		($pn + "/root.squashfs"): $root,
		("_sigs/" + $pn + ".json"): {"#spec": "pvs@2", "protected": $protected, "signature": $signature}
	};
