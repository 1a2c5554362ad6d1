# The nodm flavour's configuration, run by image.sh in the guest root (bash -euo pipefail),
# after the shared part has created the user desk.
# nodm logs desk in to an X session running xterm, and its PAM session (pam_systemd)
# starts desk's user manager, which runs PipeWire.
printf '#!/bin/sh\nexec xterm\n' >/home/desk/.xsession
chmod 0755 /home/desk/.xsession
chown desk:desk /home/desk/.xsession
sed -i -e 's/^NODM_ENABLED=.*/NODM_ENABLED=true/' -e 's/^NODM_USER=.*/NODM_USER=desk/' /etc/default/nodm
# firewalld and the NFS server are there for scenario 89, which starts them: nothing else
# should pay for them at boot.
systemctl --quiet disable firewalld.service nfs-server.service rpcbind.service rpcbind.socket \
    nfs-client.target
