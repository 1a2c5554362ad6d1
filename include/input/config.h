/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "input/stage-id.h"
#include "input/vm-flags.h"
#include "lib/sysroot.h"

/*
 * Admin configuration: /etc/libvirt/hooks/vfio-hook.conf for the host, then per VM the
 * override directories /etc/libvirt/hooks/vfio-hook.d/{default,<vm>,<uuid>}/ with a vm.conf
 * of the same "key = value" form and executables run around the stages. Only root can write
 * any of it: a file anyone else could change is refused, since what it says runs as root.
 */
#define CONFIG_PATH "/etc/libvirt/hooks/vfio-hook.conf"
#define OVERRIDE_DIR "/etc/libvirt/hooks/vfio-hook.d"

/* An executable an admin added before or after a built-in stage. */
struct override_script {
	char *path;  /* absolute, as on the host */
	enum stage_id stage;
	bool after;
};

struct config {
	char **allow_group_members; /* PCI functions that may go along with a group */
	bool debug;
	unsigned unit_timeout_s;    /* stopping or starting a unit */
	unsigned process_timeout_s; /* a process to exit after SIGTERM */
	unsigned module_timeout_s;  /* a module's users to go away */
	unsigned lock_timeout_s;    /* waiting for another VM's hook */
	unsigned script_timeout_s;  /* an override executable */
	unsigned disabled_stages;   /* 1u << enum stage_id */
	char *disabled_by[_STAGE_MAX]; /* the file that disabled each stage */
	char **stop_units;          /* more system units to stop with the display manager */
	char **user_units;          /* more user units to stop with the audio servers */
	char **flags;               /* flags every VM (or this VM) gets, as if in its description */
	char **nfs_shares;          /* --enable-nfs: directories exported while the VM runs */
	char **nfs_clients;         /* who may mount them (host, address, CIDR) */
	char *nfs_options;          /* export options */
	char **smb_shares;          /* --enable-smb: directories labelled for Samba (SELinux) */
	bool network_dns;           /* network hook: route a network's DNS domain to its dnsmasq */
	bool network_zone;          /* network hook: put its bridge in the zone its XML names */
	struct override_script *scripts;
	size_t n_scripts;
	char **notes;               /* what the overrides changed, for the plan */
};

void config_init(struct config *c);
void config_done(struct config *c);
/* Missing file: defaults. ret_error gets one line naming the file, the line and the problem. */
_must_check_ int config_load(const struct sysroot *root, struct config *c, char **ret_error);
_must_check_ int config_parse(struct config *c, const char *text, char **ret_error);
_must_check_ int config_parse_file(struct config *c, const char *text, const char *name,
				   char **ret_error);
/* The host's config plus the VM's override directories, each file checked for safety. */
_must_check_ int config_load_for_vm(const struct sysroot *root, const char *vm, const char *uuid,
				    struct config *c, char **ret_error);
/* Is this file (or directory) and every directory above it root-owned and not writable by
 * group or others, with no symlink on the way? On failure ret_problem says why. */
_must_check_ int path_is_trusted(const struct sysroot *root, const char *abs_path, bool executable,
				 char **ret_problem);
/* A trusted file's text: refused (with ret_problem) unless a regular file below 64 KiB. */
_must_check_ int config_file_read(const struct sysroot *root, const char *abs_path, char **ret_text,
				  char **ret_problem);
/* The VM's flags (its description's and metadata's, vm) with the configured ones added, in a
 * struct of their own: the parsed domain stays as the XML said. */
_must_check_ int config_vm_flags(const struct config *c, const struct vm_flags *vm,
				 struct vm_flags *ret);
static inline bool config_stage_disabled(const struct config *c, enum stage_id s)
{
	return c->disabled_stages & (1u << s);
}
