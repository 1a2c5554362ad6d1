/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <sys/types.h>

#include "host/host-usb.h"
#include "input/cpuset.h"
#include "input/pci-addr.h"
#include "lib/sysroot.h"

/*
 * The host as the planner sees it, read once, through the injectable roots. Nothing here
 * changes the host.
 */

#define PCI_CLASS_DISPLAY 0x03
#define PCI_CLASS_BRIDGE 0x06
#define PCI_CLASS_MULTIMEDIA 0x04

struct dev_node {
	char *devname;   /* relative to /dev: "dri/card0", "snd/controlC0" */
	unsigned major, minor;
	bool driver_wide; /* the driver's, shared by its cards: nvidiactl, /dev/kfd */
};

struct drm_connector {
	char *name;      /* "card0-Virtual-1" */
	char *status;    /* connected, disconnected, unknown */
};

struct pci_function {
	struct pci_addr addr;
	char name[PCI_ADDR_STR_MAX];
	bool names_looked_up;  /* vendor_name, device_name, class_name below */
	bool resizable_bar;    /* a BAR the device can resize (resourceN_resize) */
	bool boot_fb;          /* a bound firmware framebuffer scans out of it: the console */
	unsigned vendor, device, class_code; /* class_code: 24 bits, 0x030000 */
	char *driver;          /* bound driver, NULL if none */
	char *module;          /* the driver's module, NULL if built in or no driver */
	int iommu_group;       /* -1: none */
	int boot_vga;          /* -1: attribute absent */
	char *reset_method;    /* NULL: absent or empty (no reset) */
	char *power_state;     /* D0, D3hot, D3cold...; NULL: the kernel does not say */
	/* A display function's: the first boot framebuffer claim in /proc/iomem inside one of its
	 * memory BARs ("efifb c0000000-c03e7fff"), and sysfb's device's own (BOOTFB), which
	 * unbinding a driver leaves. NULL: none. */
	char *fb_claim, *fb_device_claim;
	/* From the ID database on first use (pci_function_*_name): a start names the few
	 * devices it hands over, not every device on the host. */
	char *vendor_name, *device_name, *class_name;
	struct dev_node *nodes;
	size_t n_nodes;
	struct drm_connector *connectors;
	size_t n_connectors;
	char **sound_cards;    /* "card0" */
	char **consumers;      /* device-link consumers, by PCI name */
};

struct vtcon {
	char *name;  /* vtcon1 */
	char *desc;  /* "(M) frame buffer device" */
	int bind;
	bool is_framebuffer;
};

struct platform_fb {
	char *name;    /* efi-framebuffer.0 */
	char *driver;  /* bound driver, NULL if none */
	char *parent;  /* PCI name of the GPU it scans out of: sysfs's parent, else the function
			* whose BAR holds the driver's claim in /proc/iomem */
};

struct module_info {
	char *name;
	int refcnt;          /* -1: unknown (built in) */
	bool builtin;
	char **holders;      /* modules that use it */
};

/* A GPU driver's module, or one that sits on it, as /sys/module showed it at load. */
struct host_module {
	char *name;
	int refcnt;          /* -1: unknown (built in) */
	bool builtin;
	char **holders;      /* modules that use it */
	char **devices;      /* what its drivers have bound: "/devices/pci0000:00/0000:00:02.0" */
};

enum vfio_availability {
	VFIO_PCI_MISSING,
	VFIO_PCI_LOADED,   /* the driver is registered */
	VFIO_PCI_MODULE,   /* a module that can be loaded */
};

struct node_holder;
struct logind_session;
struct unit_state;

/* A user's services that have a process now (under user@UID.service), sorted. */
struct user_services {
	uid_t uid;
	char **running;
};

/* Another VM's hold on the host, as its journal records it. */
/* A host-wide thing a VM holds that other VMs may hold too (a firewalld service, a CPU's
 * governor): an action of a shared kind its journal records done, or started. */
struct held_thing {
	const char *kind; /* the action kind's journal name (static): open-service */
	char *target;
	char *prior;  /* what the first holder found, given back by the last */
};

struct vm_claim {
	char *uuid, *name;
	char **devices;     /* PCI functions it was handed */
	char *pinned_cpus;  /* its vCPUs' and emulator's CPUs, if it isolates them */
	struct held_thing *held;
	size_t n_held;
};

void vm_claims_free(struct vm_claim *list, size_t n);

/* A CPU as the optional stages asked about it: its NUMA node and its cpufreq governors. */
struct host_cpu {
	unsigned cpu;
	int node;                 /* -1: none found (or not asked) */
	char *governor;           /* scaling_governor; NULL: no cpufreq (or not asked) */
	char *governors;          /* scaling_available_governors; NULL: unreadable */
};

/* A unit's AllowedCPUs, as systemd said it; empty: unrestricted. */
struct unit_cpus {
	char *unit;
	struct cpuset allowed;
};

/* A block device the VM takes (a disk, a partition, what is stacked on them), or the device one
 * of its image files lives on. */
struct block_dev {
	char *name;           /* kernel name ("sdb1", "dm-0"), or the image file's path */
	unsigned major, minor;
	bool numbered;        /* major and minor are known */
};

struct mount_entry;

/* An active swap area, from /proc/swaps. */
struct swap_area {
	char *path;           /* decoded: "/dev/sdb2", or a swap file's "/data/swapfile" */
	bool is_file;
	unsigned major, minor; /* the partition's, or the file's filesystem's device */
	bool numbered;        /* major and minor are known */
	unsigned long long size_kib, used_kib;
	int priority;
};
struct iface_zone;
struct firewall_service;

/* A shared directory's SELinux context, as it was before the shares stage labels it. */
struct share_label {
	char *path;
	char *context;
};

/* A huge page pool, relative to /sys: kernel/mm/hugepages/hugepages-2048kB, or a node's. */
struct hugepage_pool {
	char *path;
	unsigned nr, free_pages;
};

struct host {
	struct sysroot *root;
	struct pci_function *pci;
	size_t n_pci;
	size_t n_iommu_groups;
	struct vtcon *vtcons;
	size_t n_vtcons;
	struct platform_fb *fbs;
	size_t n_fbs;
	struct host_module *modules; /* the display functions' modules and their holders, by name */
	size_t n_modules;

	/* Read for one plan before any stage plans (planner_load): what the stages weigh. */
	struct node_holder *holders;     /* processes holding the nodes the VM's functions take */
	size_t n_holders;
	struct logind_session *sessions; /* logind's sessions, read when something holds a node */
	size_t n_sessions;
	int sessions_error;              /* <0: logind could not say (errno) */
	struct unit_state *units;        /* the system units the stages asked about */
	size_t n_units;
	struct unit_file *unit_files;    /* the unit files whose state the stages asked about */
	size_t n_unit_files;
	struct user_services *users;     /* the users whose services the stages asked about */
	size_t n_users;
	struct vm_claim *other_vms;      /* other VMs' journals of this boot */
	size_t n_other_vms;
	/* What the optional stages weigh, read only when the domain asks for them. */
	struct cpuset online_cpus;
	int online_cpus_error;           /* <0: the online CPUs could not be read (errno) */
	struct host_cpu *cpus;           /* the CPUs asked about */
	size_t n_cpus;
	struct unit_cpus *unit_cpus;     /* AllowedCPUs of the units asked about (live host only) */
	size_t n_unit_cpus;
	unsigned long long hugepage_kib; /* /proc/meminfo's Hugepagesize, 0: the kernel has none */
	struct hugepage_pool *hugepage_pools; /* the pools asked about that the kernel has */
	size_t n_hugepage_pools;
	char **missing_disks;            /* the domain's block disks that are no block device */
	struct block_dev *vm_block_devs; /* what its block disks and passed controllers take */
	size_t n_vm_block_devs;
	struct mount_entry *mounts;      /* the mount table, read when the VM takes a block device */
	size_t n_mounts;
	int mounts_error;                /* <0: it could not be read (errno) */
	struct block_dev *image_devs;    /* the devices its image files live on */
	size_t n_image_devs;
	struct swap_area *swaps;         /* active swap, read with the mount table */
	size_t n_swaps;
	int swaps_error;                 /* <0: /proc/swaps could not be read (errno) */
	unsigned long long mem_available_kib; /* /proc/meminfo's MemAvailable, with the swaps */
	bool exportfs_installed;         /* HOST_EXPORTFS, in the host's root */
	bool selinux_enabled;
	char **share_dirs;               /* the shares asked about that are directories */
	char **nfs_exported;             /* "CLIENT:PATH": the shares exported to a client now */
	struct share_label *share_labels; /* the Samba shares that are labelled directories */
	size_t n_share_labels;
	struct iface_zone *iface_zones;  /* the firewalld zones of the VM's interfaces asked about */
	size_t n_iface_zones;
	struct firewall_service *firewall_services; /* the services asked about, open or not */
	size_t n_firewall_services;
	struct usb_device *usb;          /* connected USB devices (name, vendor, product) */
	size_t n_usb;
	enum vfio_availability vfio_pci;
	char *kernel_release;
	char *boot_id;
};

_must_check_ int host_load(struct sysroot *root, struct host **ret);
/* Drops what was read for a plan (holders, sessions, units, users, other VMs, CPUs, huge
 * pages, block devices and mounts, shares, firewalld's zones and services, USB devices): the
 * next plan reads its own. */
void host_forget_plan_reads(struct host *h);
/* What another VM holds of kind and target, NULL if none; ret_vm gets its name. */
const struct held_thing *host_find_held(const struct host *h, const char *kind,
					const char *target, const char **ret_vm);
struct host *host_free(struct host *h);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct host *, host_free);

/* By address, in O(log n): h->pci is sorted. NULL if the host has no such function. */
struct pci_function *host_find_pci(const struct host *h, const struct pci_addr *a);
/* By sysfs name ("0000:01:00.0"), parsed to an address. */
struct pci_function *host_find_pci_name(const struct host *h, const char *name);
/* The PCI functions of an IOMMU group, sorted by address, from the model; -ENOENT: none. */
_must_check_ int host_iommu_group_members(const struct host *h, int group, char ***ret);
bool pci_function_is_bridge(const struct pci_function *d);
bool pci_function_is_display(const struct pci_function *d);
/* A GPU that drives (or can drive) a display the host uses: connectors, or the boot VGA. */
bool pci_function_drives_display(const struct pci_function *d);
const char *pci_function_label(const struct pci_function *d); /* device name or class name */
/* NULL when the ID database has no name (or there is no database). */
const char *pci_function_vendor_name(const struct pci_function *d);
const char *pci_function_device_name(const struct pci_function *d);
const char *pci_function_class_name(const struct pci_function *d);
/* Since Linux 5.15 reset_method exists exactly when the device can be reset: its absence
 * then means "no reset", while on older kernels (or an unknown release) it means nothing. */
bool host_reset_method_is_authoritative(const struct host *h);
/* Whether a function its host driver has taken back came to life, read now: a display gets its
 * DRM card (also under its virtio device) or, on NVIDIA's driver, its /proc/driver/nvidia
 * entry; an audio function its ALSA card. 1 alive, 0 not (*ret_missing says what lacks). */
_must_check_ int host_pci_function_alive(const struct sysroot *root, const char *dev,
					 const char *driver, const char **ret_missing);

/* The first boot framebuffer claim in /proc/iomem that lies in one of the function's memory
 * BARs, read now, as "NAME START-END" in *ret: 1 found, 0 none (or nothing readable),
 * -ENOMEM. device_only: only sysfb's device itself (BOOTFB), which unbinding a driver leaves;
 * else its drivers' claims too (efifb, simpledrm...). At load, pci_function's fb_claim and
 * fb_device_claim hold the same. */
_must_check_ int host_fb_in_bars(const struct host *h, const struct pci_function *d,
				 bool device_only, char **ret);

/* Module state from /sys/module (refcount, holders, built in), read now. */
_must_check_ int host_module_info(const struct host *h, const char *name, struct module_info *ret);
void module_info_done(struct module_info *m);
/* Whether a module is loaded, could be loaded (libkmod finds it for the running kernel) or
 * neither; <0 for an invalid name. */
enum {
	MODULE_MISSING,
	MODULE_AVAILABLE,
	MODULE_LOADED,
};
_must_check_ int host_module_available(const struct host *h, const char *name);
/* A display function's module, or one that holds it, as loaded; NULL if not among them. */
const struct host_module *host_find_module(const struct host *h, const char *name);

/*
 * What a process holding a device node is, from the kernel's view of it (its pid and its
 * cgroup), never from its name. The planner deals with each kind in its own way.
 */
enum holder_kind {
	HOLDER_INIT,          /* PID 1: a copy in its fd store (logind keeps session devices there) */
	HOLDER_LOGIND,        /* systemd-logind: its own copy of a session device */
	HOLDER_SESSION_SCOPE, /* a process of a logind session (session-N.scope) */
	HOLDER_USER_UNIT,     /* a service of a user's systemd instance (user@UID.service) */
	HOLDER_SYSTEM_UNIT,   /* a system service */
	HOLDER_OTHER,         /* anything else: a container, a scope of its own, no cgroup */
	_HOLDER_KIND_MAX,
};

/* Who has device nodes open: found by device number across all of /proc. */
struct node_holder {
	pid_t pid;
	uid_t uid;
	unsigned long long starttime; /* from /proc/PID/stat: identifies the process, not the pid */
	char *comm;
	char *cgroup;   /* unified hierarchy path */
	char *devname;  /* what it holds, relative to /dev */
	enum holder_kind kind;
	char *unit;     /* HOLDER_USER_UNIT, HOLDER_SYSTEM_UNIT: the service it runs in */
	char *session;  /* HOLDER_SESSION_SCOPE: the session's id */
};
/* Sets kind, unit and session from pid and cgroup. */
void node_holder_classify(struct node_holder *h);
/* Logind's copies of session devices: held for a session, gone when it ends, never signalled. */
static inline bool node_holder_is_logind_copy(const struct node_holder *h)
{
	return h->kind == HOLDER_INIT || h->kind == HOLDER_LOGIND;
}
/* "session-3.scope" in a cgroup path → "3"; NULL if none. */
char *cgroup_session_id(const char *cgroup);
/* ".../user@1000.service/.../pipewire.service" → "pipewire.service"; NULL if none. */
char *cgroup_user_unit(const char *cgroup, uid_t uid);
/* "/system.slice/nvidia-persistenced.service" → "nvidia-persistenced.service"; NULL if none. */
char *cgroup_system_unit(const char *cgroup);
/*
 * The nodes that go with a function when the functions named in handed_over (a strv) leave the
 * host: its own, and its driver's shared ones only when every card on that driver goes, since
 * only then does the driver itself go. *ret is an array of the function's own structs (not
 * copies of their strings); NULL with *ret_n 0 when there are none.
 */
_must_check_ int host_nodes_handed_over(const struct host *h, const struct pci_function *d,
					char *const *handed_over, struct dev_node **ret,
					size_t *ret_n);
_must_check_ int host_find_holders(const struct host *h, const struct dev_node *nodes,
				   size_t n_nodes, struct node_holder **ret, size_t *ret_n);
void node_holders_free(struct node_holder *list, size_t n);
/* h->holders: the processes holding any of the nodes. */
_must_check_ int host_load_holders(struct host *h, const struct dev_node *nodes, size_t n_nodes);

/* Whether process pid still holds any of the nodes: 1 yes, 0 no (or it is gone). */
_must_check_ int host_pid_holds(const struct host *h, pid_t pid, const struct dev_node *nodes,
				size_t n_nodes);

/* logind's sessions, from ListSessions on a live host or logind/sessions in a captured one. */
struct logind_session {
	char *id;
	uid_t uid;
	char *user;
	char *seat;     /* NULL: none */
	char *type;     /* wayland, x11, mir, tty, unspecified */
	char *class;    /* user, greeter, lock-screen, background */
	char *service;  /* the PAM service that opened it: gdm-autologin, sddm, greetd, login */
};
_must_check_ int host_logind_sessions(const struct host *h, struct logind_session **ret,
				      size_t *ret_n);
void logind_sessions_free(struct logind_session *list, size_t n);
/* h->sessions, or h->sessions_error when logind cannot say: that is the plan's to weigh. */
_must_check_ int host_load_sessions(struct host *h);
/* A session with a display server: Type wayland, x11 or mir. */
bool logind_session_is_graphical(const struct logind_session *s);

/* Services with processes in the user's systemd instance (user@UID.service), from /proc. */
_must_check_ int host_user_services(const struct host *h, uid_t uid, char ***ret);
/* The user's running services into h->users, once. */
_must_check_ int host_load_user_services(struct host *h, uid_t uid);
/* As loaded; NULL when they were not (or none run). */
char *const *host_find_user_services(const struct host *h, uid_t uid);

/* h->online_cpus, or h->online_cpus_error. */
void host_load_online_cpus(struct host *h);
/* As loaded; NULL if the CPU was never asked about. */
const struct host_cpu *host_find_cpu(const struct host *h, unsigned cpu);
/* Each CPU's NUMA node into h->cpus. */
_must_check_ int host_load_cpu_nodes(struct host *h, const struct cpuset *cpus);
/* Each CPU's governor and the governors it offers into h->cpus. */
_must_check_ int host_load_cpu_governors(struct host *h, const struct cpuset *cpus);
/* The AllowedCPUs of each unit into h->unit_cpus, on a live host: a host tree has no systemd to
 * ask, and a unit systemd cannot say about counts as unrestricted. */
_must_check_ int host_load_unit_cpus(struct host *h, const char *const *units, size_t n);
/* As loaded; NULL: unrestricted (or not asked). */
const struct cpuset *host_find_unit_cpus(const struct host *h, const char *unit);

/* A pool's nr_hugepages or free_hugepages, read now. */
_must_check_ int host_read_hugepage_count(int sys_fd, const char *pool, const char *attr,
					  unsigned *ret);
/* h->hugepage_kib from /proc/meminfo. */
void host_load_hugepage_size(struct host *h);
/* A pool's nr_hugepages and free_hugepages into h->hugepage_pools; a pool whose nr_hugepages
 * cannot be read is left out (the kernel has no such pages), free_hugepages counts as 0. */
_must_check_ int host_load_hugepage_pool(struct host *h, const char *pool);
/* As loaded; NULL if the kernel has no such pool (or it was not asked about). */
const struct hugepage_pool *host_find_hugepage_pool(const struct host *h, const char *pool);

#define HOST_EXPORTFS "/usr/sbin/exportfs"
#define SELINUX_XATTR "security.selinux"
#define SAMBA_TYPE "samba_share_t"
/* Whether path is exported to client now, from nfs-utils' etab in the host's root. */
bool host_nfs_is_exported(const struct sysroot *root, const char *client, const char *path);
/* A file's SELinux context (security.selinux) into buf. */
_must_check_ int host_selinux_context(const char *path, char *buf, size_t size);
/* Whether HOST_EXPORTFS is installed, which of the shares are directories and which are
 * exported to which of the clients now. */
_must_check_ int host_load_nfs_shares(struct host *h, char *const *shares, char *const *clients);
/* Whether SELinux is on and, if it is, the contexts of the shares that are directories. */
_must_check_ int host_load_smb_shares(struct host *h, char *const *shares);
/* As loaded; NULL when the share is no labelled directory (or was not asked about). */
const char *host_find_share_label(const struct host *h, const char *path);

/* Every connected USB device's name and ids (/sys/bus/usb/devices) into h->usb, in the
 * directory's order. */
_must_check_ int host_load_usb_ids(struct host *h);

/* systemd: a unit's real name and state (display-manager.service → nodm.service, active). */
struct unit_state {
	char *name;      /* as asked: display-manager.service */
	char *id;        /* what it resolved to: gdm.service */
	char *active_state;
	bool transient;  /* systemd-run's: it cannot be started again once stopped */
	int error;       /* host_load_units: -ENOENT no such unit, <0 systemd could not say */
};
_must_check_ int host_unit_state(const struct host *h, const char *name, struct unit_state *ret);
void unit_state_done(struct unit_state *u);
/* Each unit's state into h->units, once. A unit systemd does not know, or could not be asked
 * about, is kept with that errno in .error: that is the plan's to weigh. */
_must_check_ int host_load_units(struct host *h, char *const *names);
/* As loaded, by the name asked or the unit it resolved to: 0 with *ret; -ENOENT when systemd
 * has no such unit (or it was never asked about); another errno when systemd could not say. */
_must_check_ int host_find_unit(const struct host *h, const char *name,
				const struct unit_state **ret);
/* Active, or on its way there (activating, reloading). */
bool unit_state_is_running(const struct unit_state *u);

/* systemd: what a unit file is (UnitFileState): "static", "enabled", "masked-runtime", ... */
struct unit_file {
	char *name;
	char *state;
	int error;       /* host_load_unit_files: -ENOENT no such unit file, <0 systemd could not say */
};
/* Live (sd-bus) or from a host tree's snapshot (systemd/unit-files, "NAME STATE" lines). */
_must_check_ int host_unit_file_state(const struct host *h, const char *name, char **ret);
/* Each unit file's state into h->unit_files, once; as host_load_units, an error is kept in
 * .error for the plan to weigh. A host tree without the snapshot has no such unit files. */
_must_check_ int host_load_unit_files(struct host *h, char *const *names);
/* As loaded: 0 with *ret; -ENOENT when there is no such unit file (or it was never asked
 * about); another errno when systemd could not say. */
_must_check_ int host_find_unit_file(const struct host *h, const char *name,
				     const struct unit_file **ret);
/* "masked" (by the admin, in /etc) or "masked-runtime" (until the next boot). */
bool unit_file_state_is_masked(const char *state);
