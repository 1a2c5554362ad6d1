// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_e2e_edu: a PCI driver for QEMU's "edu" device whose remove() can be held, to make an
 * unbind hang the way NVIDIA's driver sometimes does. While the parameter hold_remove is 1,
 * remove() sleeps uninterruptibly (the writer of .../unbind cannot be killed); writing 0 to
 * /sys/module/vfio_e2e_edu/parameters/hold_remove lets it finish.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/wait.h>

static DECLARE_WAIT_QUEUE_HEAD(remove_wq);
static bool hold_remove;

/* Setting the parameter wakes a remove() that waits for it to drop to 0. */
static int hold_remove_set(const char *val, const struct kernel_param *kp)
{
	int r = param_set_bool(val, kp);

	if (r == 0)
		wake_up_all(&remove_wq);
	return r;
}

static const struct kernel_param_ops hold_remove_ops = {
	.set = hold_remove_set,
	.get = param_get_bool,
};
module_param_cb(hold_remove, &hold_remove_ops, &hold_remove, 0644);
MODULE_PARM_DESC(hold_remove, "1: remove() (an unbind) blocks until this is set to 0");

static int edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	dev_info(&pdev->dev, "vfio_e2e_edu bound\n");
	return 0;
}

/*
 * pr_info, not dev_info: a message tagged with the device makes journald read the device's
 * uevent, which waits for the device lock this remove() holds, and hangs journald with it.
 */
static void edu_remove(struct pci_dev *pdev)
{
	if (READ_ONCE(hold_remove))
		pr_info("vfio_e2e_edu %s: remove held until hold_remove=0\n", pci_name(pdev));
	wait_event(remove_wq, !READ_ONCE(hold_remove));
	pr_info("vfio_e2e_edu %s: unbound\n", pci_name(pdev));
}

static const struct pci_device_id edu_ids[] = {
	{ PCI_DEVICE(0x1234, 0x11e8) },
	{ }
};
MODULE_DEVICE_TABLE(pci, edu_ids);

static struct pci_driver edu_driver = {
	.name = "vfio_e2e_edu",
	.id_table = edu_ids,
	.probe = edu_probe,
	.remove = edu_remove,
};
module_pci_driver(edu_driver);

MODULE_DESCRIPTION("QEMU edu device driver whose unbind can be made to hang (vfio-hook e2e)");
MODULE_LICENSE("GPL");
