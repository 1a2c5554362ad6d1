# The gnome flavour's configuration, run by image.sh in the guest root (bash -euo pipefail),
# after the shared part has created the user desk.
# GDM logs desk in to GNOME Shell on Wayland at boot, with no greeter shown: gnome-shell runs
# as desk's user unit org.gnome.Shell@wayland.service and gets the card from logind.
cat >/etc/gdm3/daemon.conf <<'CONF'
[daemon]
AutomaticLoginEnable=True
AutomaticLogin=desk
WaylandEnable=true

[security]

[xdmcp]

[chooser]

[debug]
CONF
# AccountsService tells GDM which session desk logs in to.
mkdir -p /var/lib/AccountsService/users
cat >/var/lib/AccountsService/users/desk <<'CONF'
[User]
Session=gnome
SessionType=wayland
SystemAccount=false
CONF
chmod 0600 /var/lib/AccountsService/users/desk
# dconf defaults: the screen never blanks or locks, the machine never suspends, whatever a
# scenario waits for.
mkdir -p /etc/dconf/profile /etc/dconf/db/local.d
printf 'user-db:user\nsystem-db:local\n' >/etc/dconf/profile/user
cat >/etc/dconf/db/local.d/00-vfio-e2e <<'CONF'
[org/gnome/desktop/session]
idle-delay=uint32 0

[org/gnome/desktop/screensaver]
lock-enabled=false
idle-activation-enabled=false

[org/gnome/settings-daemon/plugins/power]
idle-dim=false
sleep-inactive-ac-type='nothing'
sleep-inactive-battery-type='nothing'
CONF
dconf update
# GDM is the display manager (Debian's units check default-display-manager too).
echo /usr/sbin/gdm3 >/etc/X11/default-display-manager
ln -sf /lib/systemd/system/gdm3.service /etc/systemd/system/display-manager.service
