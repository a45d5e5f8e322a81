//! Box2D 2.3.0, the physics engine of gymnasium's Box2D environments, for deepq.
//!
//! `vendor/Box2D/` holds the C++ sources that pybox2d 2.3.10 (the `box2d` package gymnasium
//! installs) compiles, with the changes listed in `vendor/README.md`; `shim/deepq_box2d.cpp` is a
//! small C interface over them. [`World`] wraps one `b2World`: bodies, fixtures and joints are
//! addressed by ids, every float crosses the boundary as `f32` (Box2D's `float32`), and contact
//! begin/end callbacks are recorded during [`World::step`] in the order Box2D makes them, for the
//! caller to replay with [`World::take_contact_events`].
//!
//! Nothing here is global: each [`World`] is independent and may be moved to another thread.

use std::ptr::NonNull;

mod ffi {
    #[repr(C)]
    pub struct DqWorld {
        _private: [u8; 0],
    }

    #[repr(C)]
    pub struct DqFixtureDef {
        pub friction: f32,
        pub restitution: f32,
        pub density: f32,
        pub category_bits: u16,
        pub mask_bits: u16,
        pub group_index: i16,
        pub is_sensor: u8,
    }

    #[repr(C)]
    pub struct DqRevoluteDef {
        pub body_a: i32,
        pub body_b: i32,
        pub local_anchor_a: [f32; 2],
        pub local_anchor_b: [f32; 2],
        pub reference_angle: f32,
        pub enable_limit: u8,
        pub enable_motor: u8,
        pub collide_connected: u8,
        pub lower_angle: f32,
        pub upper_angle: f32,
        pub motor_speed: f32,
        pub max_motor_torque: f32,
    }

    #[repr(C)]
    #[derive(Default)]
    pub struct DqBodyState {
        pub position: [f32; 2],
        pub angle: f32,
        pub linear_velocity: [f32; 2],
        pub angular_velocity: f32,
        pub rotation: [f32; 2],
        pub awake: u8,
    }

    extern "C" {
        pub fn dqb2_version(out: *mut i32);
        pub fn dqb2_world_new(gx: f32, gy: f32) -> *mut DqWorld;
        pub fn dqb2_world_free(w: *mut DqWorld);
        pub fn dqb2_body_new(w: *mut DqWorld, kind: i32, x: f32, y: f32, angle: f32) -> i32;
        pub fn dqb2_body_destroy(w: *mut DqWorld, body: i32) -> i32;
        pub fn dqb2_fixture_polygon(w: *mut DqWorld, body: i32, xy: *const f32, n: i32, d: *const DqFixtureDef) -> i32;
        pub fn dqb2_fixture_box(w: *mut DqWorld, body: i32, hx: f32, hy: f32, d: *const DqFixtureDef) -> i32;
        pub fn dqb2_fixture_edge(
            w: *mut DqWorld,
            body: i32,
            x1: f32,
            y1: f32,
            x2: f32,
            y2: f32,
            d: *const DqFixtureDef,
        ) -> i32;
        pub fn dqb2_fixture_circle(w: *mut DqWorld, body: i32, r: f32, x: f32, y: f32, d: *const DqFixtureDef) -> i32;
        pub fn dqb2_fixture_polygon_vertices(w: *const DqWorld, fixture: i32, out: *mut f32, max: i32) -> i32;
        pub fn dqb2_revolute_joint(w: *mut DqWorld, d: *const DqRevoluteDef) -> i32;
        pub fn dqb2_apply_force_to_center(w: *mut DqWorld, body: i32, fx: f32, fy: f32, wake: u8) -> i32;
        pub fn dqb2_apply_force(w: *mut DqWorld, body: i32, fx: f32, fy: f32, px: f32, py: f32, wake: u8) -> i32;
        pub fn dqb2_apply_linear_impulse(
            w: *mut DqWorld,
            body: i32,
            ix: f32,
            iy: f32,
            px: f32,
            py: f32,
            wake: u8,
        ) -> i32;
        pub fn dqb2_apply_torque(w: *mut DqWorld, body: i32, torque: f32, wake: u8) -> i32;
        pub fn dqb2_step(w: *mut DqWorld, dt: f32, velocity_iterations: i32, position_iterations: i32);
        pub fn dqb2_body_state(w: *const DqWorld, body: i32, out: *mut DqBodyState) -> i32;
        pub fn dqb2_body_mass(w: *const DqWorld, body: i32, out: *mut f32) -> i32;
        pub fn dqb2_take_events(w: *mut DqWorld, out: *mut i32, max: i32) -> i32;
        pub fn dqb2_pending_events(w: *const DqWorld) -> i32;
    }
}

/// Box2D's version as the vendored sources report it (`b2_version`): 2.3.0.
pub fn version() -> (i32, i32, i32) {
    let mut v = [0i32; 3];
    // SAFETY: writes three ints into `v`.
    unsafe { ffi::dqb2_version(v.as_mut_ptr()) };
    (v[0], v[1], v[2])
}

/// A body of a [`World`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BodyId(i32);

/// A fixture of a [`World`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FixtureId(i32);

/// A joint of a [`World`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JointId(i32);

/// Box2D's body types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyType {
    /// Never moves (zero mass).
    Static = 0,
    /// Moves by its velocity only.
    Kinematic = 1,
    /// Moved by forces and collisions.
    Dynamic = 2,
}

/// A fixture's material and collision filter (Box2D's `b2FixtureDef` without the shape).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FixtureDef {
    /// Coulomb friction coefficient.
    pub friction: f32,
    /// Restitution (bounciness).
    pub restitution: f32,
    /// Density (kg/m²).
    pub density: f32,
    /// Collision category bits.
    pub category_bits: u16,
    /// Categories this fixture collides with.
    pub mask_bits: u16,
    /// Collision group index.
    pub group_index: i16,
    /// A sensor detects contacts without a collision response.
    pub is_sensor: bool,
}

impl Default for FixtureDef {
    /// Box2D's defaults: friction 0.2, no restitution, density 0, category 1, mask 0xFFFF.
    fn default() -> Self {
        Self {
            friction: 0.2,
            restitution: 0.0,
            density: 0.0,
            category_bits: 0x0001,
            mask_bits: 0xFFFF,
            group_index: 0,
            is_sensor: false,
        }
    }
}

impl FixtureDef {
    fn raw(&self) -> ffi::DqFixtureDef {
        ffi::DqFixtureDef {
            friction: self.friction,
            restitution: self.restitution,
            density: self.density,
            category_bits: self.category_bits,
            mask_bits: self.mask_bits,
            group_index: self.group_index,
            is_sensor: u8::from(self.is_sensor),
        }
    }
}

/// A revolute joint (Box2D's `b2RevoluteJointDef`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RevoluteJointDef {
    /// First body.
    pub body_a: BodyId,
    /// Second body.
    pub body_b: BodyId,
    /// Anchor in body A's frame.
    pub local_anchor_a: [f32; 2],
    /// Anchor in body B's frame.
    pub local_anchor_b: [f32; 2],
    /// Body B's angle minus body A's angle in the reference state.
    pub reference_angle: f32,
    /// Whether the angle limits apply.
    pub enable_limit: bool,
    /// Lower joint angle (radians).
    pub lower_angle: f32,
    /// Upper joint angle (radians).
    pub upper_angle: f32,
    /// Whether the motor runs.
    pub enable_motor: bool,
    /// Motor speed (radians per second).
    pub motor_speed: f32,
    /// Largest motor torque (N·m).
    pub max_motor_torque: f32,
    /// Whether the two bodies collide with each other.
    pub collide_connected: bool,
}

/// A body's kinematic state after a step.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BodyState {
    /// Position of the body's origin.
    pub position: [f32; 2],
    /// Angle (radians), unwrapped.
    pub angle: f32,
    /// Linear velocity of the centre of mass.
    pub linear_velocity: [f32; 2],
    /// Angular velocity (radians per second).
    pub angular_velocity: f32,
    /// The rotation of the body's transform, `(cos, sin)` as Box2D computed them.
    pub rotation: [f32; 2],
    /// Whether the body is awake (a resting body falls asleep).
    pub awake: bool,
}

impl BodyState {
    /// A point of the body's frame in world coordinates (Box2D's `b2Mul(transform, p)`).
    pub fn to_world(&self, p: [f32; 2]) -> [f32; 2] {
        let [c, s] = self.rotation;
        [(c * p[0] - s * p[1]) + self.position[0], (s * p[0] + c * p[1]) + self.position[1]]
    }
}

/// One contact callback, in the order Box2D made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContactEvent {
    /// `BeginContact` (true) or `EndContact` (false).
    pub begin: bool,
    /// The body of fixture A.
    pub body_a: BodyId,
    /// The body of fixture B.
    pub body_b: BodyId,
    /// Fixture A.
    pub fixture_a: FixtureId,
    /// Fixture B.
    pub fixture_b: FixtureId,
}

impl ContactEvent {
    /// Whether `body` is one of the two bodies.
    pub fn involves(&self, body: BodyId) -> bool {
        self.body_a == body || self.body_b == body
    }
}

/// One Box2D world.
pub struct World {
    raw: NonNull<ffi::DqWorld>,
}

// SAFETY: a world has no thread affinity and no shared state with other worlds (the vendored
// sources' statistics counters are thread-local and their lazily built tables are initialised
// once, thread-safely); `&self` methods only read.
unsafe impl Send for World {}
unsafe impl Sync for World {}

impl Drop for World {
    fn drop(&mut self) {
        // SAFETY: `raw` came from dqb2_world_new and is freed once.
        unsafe { ffi::dqb2_world_free(self.raw.as_ptr()) }
    }
}

impl std::fmt::Debug for World {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("World").finish_non_exhaustive()
    }
}

fn checked(ret: i32, what: &str) -> i32 {
    assert!(ret >= 0, "box2d: {what} on an unknown or destroyed id");
    ret
}

impl World {
    /// A world with `gravity`, sleeping allowed (as pybox2d's `b2World(gravity, doSleep=True)`).
    pub fn new(gravity: [f32; 2]) -> Self {
        // SAFETY: plain constructor; null only when out of memory.
        let raw = unsafe { ffi::dqb2_world_new(gravity[0], gravity[1]) };
        Self { raw: NonNull::new(raw).expect("box2d: out of memory creating a world") }
    }

    fn ptr(&self) -> *mut ffi::DqWorld {
        self.raw.as_ptr()
    }

    /// Creates a body at `position` with `angle` (radians); its fixtures follow.
    pub fn create_body(&mut self, kind: BodyType, position: [f32; 2], angle: f32) -> BodyId {
        // SAFETY: valid world pointer.
        BodyId(unsafe { ffi::dqb2_body_new(self.ptr(), kind as i32, position[0], position[1], angle) })
    }

    /// Destroys a body with its fixtures and joints (Box2D calls `EndContact` for its touching
    /// contacts; those events are recorded).
    pub fn destroy_body(&mut self, body: BodyId) {
        // SAFETY: valid world pointer; the index is checked on the C side.
        checked(unsafe { ffi::dqb2_body_destroy(self.ptr(), body.0) }, "destroy_body");
    }

    /// Adds a convex polygon fixture (3 to 16 vertices in the body's frame; Box2D computes the
    /// convex hull, so the stored vertex order may differ, see [`World::polygon_vertices`]).
    pub fn add_polygon(&mut self, body: BodyId, vertices: &[[f32; 2]], def: &FixtureDef) -> FixtureId {
        let flat: Vec<f32> = vertices.iter().flatten().copied().collect();
        let n = i32::try_from(vertices.len()).unwrap_or(i32::MAX);
        // SAFETY: `flat` holds 2n floats; the def lives across the call.
        FixtureId(checked(
            unsafe { ffi::dqb2_fixture_polygon(self.ptr(), body.0, flat.as_ptr(), n, &def.raw()) },
            "add_polygon (or a polygon with fewer than 3 or more than 16 vertices)",
        ))
    }

    /// Adds a box fixture of half-widths `hx`, `hy` centred on the body's origin
    /// (`b2PolygonShape::SetAsBox`).
    pub fn add_box(&mut self, body: BodyId, hx: f32, hy: f32, def: &FixtureDef) -> FixtureId {
        // SAFETY: valid world pointer; the def lives across the call.
        FixtureId(checked(unsafe { ffi::dqb2_fixture_box(self.ptr(), body.0, hx, hy, &def.raw()) }, "add_box"))
    }

    /// Adds a two-sided edge fixture from `a` to `b`.
    pub fn add_edge(&mut self, body: BodyId, a: [f32; 2], b: [f32; 2], def: &FixtureDef) -> FixtureId {
        // SAFETY: valid world pointer; the def lives across the call.
        FixtureId(checked(
            unsafe { ffi::dqb2_fixture_edge(self.ptr(), body.0, a[0], a[1], b[0], b[1], &def.raw()) },
            "add_edge",
        ))
    }

    /// Adds a circle fixture of `radius` centred at `center` in the body's frame.
    pub fn add_circle(&mut self, body: BodyId, radius: f32, center: [f32; 2], def: &FixtureDef) -> FixtureId {
        // SAFETY: valid world pointer; the def lives across the call.
        FixtureId(checked(
            unsafe { ffi::dqb2_fixture_circle(self.ptr(), body.0, radius, center[0], center[1], &def.raw()) },
            "add_circle",
        ))
    }

    /// The vertices of a polygon fixture in the body's frame, in Box2D's (hull) order.
    pub fn polygon_vertices(&self, fixture: FixtureId) -> Vec<[f32; 2]> {
        let mut buf = [0f32; 32];
        // SAFETY: `buf` has room for 16 vertices, the most Box2D stores.
        let n = checked(
            unsafe { ffi::dqb2_fixture_polygon_vertices(self.ptr(), fixture.0, buf.as_mut_ptr(), 16) },
            "polygon_vertices (or not a polygon)",
        );
        (0..n as usize).map(|i| [buf[2 * i], buf[2 * i + 1]]).collect()
    }

    /// Creates a revolute joint.
    pub fn create_revolute_joint(&mut self, def: &RevoluteJointDef) -> JointId {
        let raw = ffi::DqRevoluteDef {
            body_a: def.body_a.0,
            body_b: def.body_b.0,
            local_anchor_a: def.local_anchor_a,
            local_anchor_b: def.local_anchor_b,
            reference_angle: def.reference_angle,
            enable_limit: u8::from(def.enable_limit),
            enable_motor: u8::from(def.enable_motor),
            collide_connected: u8::from(def.collide_connected),
            lower_angle: def.lower_angle,
            upper_angle: def.upper_angle,
            motor_speed: def.motor_speed,
            max_motor_torque: def.max_motor_torque,
        };
        // SAFETY: valid world pointer; `raw` lives across the call.
        JointId(checked(unsafe { ffi::dqb2_revolute_joint(self.ptr(), &raw) }, "create_revolute_joint"))
    }

    /// `b2Body::ApplyForceToCenter`.
    pub fn apply_force_to_center(&mut self, body: BodyId, force: [f32; 2], wake: bool) {
        // SAFETY: valid world pointer.
        checked(
            unsafe { ffi::dqb2_apply_force_to_center(self.ptr(), body.0, force[0], force[1], u8::from(wake)) },
            "apply_force_to_center",
        );
    }

    /// `b2Body::ApplyForce` at a world point.
    pub fn apply_force(&mut self, body: BodyId, force: [f32; 2], point: [f32; 2], wake: bool) {
        // SAFETY: valid world pointer.
        checked(
            unsafe {
                ffi::dqb2_apply_force(self.ptr(), body.0, force[0], force[1], point[0], point[1], u8::from(wake))
            },
            "apply_force",
        );
    }

    /// `b2Body::ApplyLinearImpulse` at a world point.
    pub fn apply_linear_impulse(&mut self, body: BodyId, impulse: [f32; 2], point: [f32; 2], wake: bool) {
        // SAFETY: valid world pointer.
        checked(
            unsafe {
                ffi::dqb2_apply_linear_impulse(
                    self.ptr(),
                    body.0,
                    impulse[0],
                    impulse[1],
                    point[0],
                    point[1],
                    u8::from(wake),
                )
            },
            "apply_linear_impulse",
        );
    }

    /// `b2Body::ApplyTorque`.
    pub fn apply_torque(&mut self, body: BodyId, torque: f32, wake: bool) {
        // SAFETY: valid world pointer.
        checked(unsafe { ffi::dqb2_apply_torque(self.ptr(), body.0, torque, u8::from(wake)) }, "apply_torque");
    }

    /// `b2World::Step` (forces are cleared afterwards, Box2D's default).
    pub fn step(&mut self, dt: f32, velocity_iterations: i32, position_iterations: i32) {
        // SAFETY: valid world pointer.
        unsafe { ffi::dqb2_step(self.ptr(), dt, velocity_iterations, position_iterations) }
    }

    /// A body's position, angle, velocities, transform and awake flag.
    pub fn body(&self, body: BodyId) -> BodyState {
        let mut s = ffi::DqBodyState::default();
        // SAFETY: valid world pointer; `s` is a valid out-parameter.
        checked(unsafe { ffi::dqb2_body_state(self.ptr(), body.0, &mut s) }, "body");
        BodyState {
            position: s.position,
            angle: s.angle,
            linear_velocity: s.linear_velocity,
            angular_velocity: s.angular_velocity,
            rotation: s.rotation,
            awake: s.awake != 0,
        }
    }

    /// A body's mass, rotational inertia about its origin, and local centre of mass.
    pub fn body_mass(&self, body: BodyId) -> (f32, f32, [f32; 2]) {
        let mut m = [0f32; 4];
        // SAFETY: valid world pointer; `m` has room for four floats.
        checked(unsafe { ffi::dqb2_body_mass(self.ptr(), body.0, m.as_mut_ptr()) }, "body_mass");
        (m[0], m[1], [m[2], m[3]])
    }

    /// Moves the recorded contact events (oldest first) into `out` (which is cleared first).
    pub fn take_contact_events(&mut self, out: &mut Vec<ContactEvent>) {
        out.clear();
        // SAFETY: valid world pointer.
        let pending = unsafe { ffi::dqb2_pending_events(self.ptr()) }.max(0) as usize;
        if pending == 0 {
            return;
        }
        let mut buf = vec![0i32; 5 * pending];
        // SAFETY: `buf` has room for `pending` events of five ints.
        let n = unsafe { ffi::dqb2_take_events(self.ptr(), buf.as_mut_ptr(), pending as i32) }.max(0) as usize;
        out.extend(buf.chunks_exact(5).take(n).map(|e| ContactEvent {
            begin: e[0] != 0,
            body_a: BodyId(e[1]),
            body_b: BodyId(e[2]),
            fixture_a: FixtureId(e[3]),
            fixture_b: FixtureId(e[4]),
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_the_vendored_version() {
        assert_eq!(version(), (2, 3, 0));
    }

    /// A box dropped on the ground: it touches the ground (one begin event, recorded), comes to
    /// rest and falls asleep, and its mass is density times area.
    #[test]
    fn a_dropped_box_lands_and_sleeps() {
        let mut w = World::new([0.0, -10.0]);
        let ground = w.create_body(BodyType::Static, [0.0, 0.0], 0.0);
        w.add_edge(ground, [-10.0, 0.0], [10.0, 0.0], &FixtureDef::default());
        let b = w.create_body(BodyType::Dynamic, [0.0, 2.0], 0.0);
        w.add_box(b, 0.5, 0.25, &FixtureDef { density: 2.0, ..FixtureDef::default() });
        let (mass, _, center) = w.body_mass(b);
        assert!((mass - 2.0 * 1.0 * 0.5).abs() < 1e-6 && center == [0.0, 0.0]);
        let mut events = Vec::new();
        let mut begins = 0;
        let mut slept_at = None;
        for t in 0..600 {
            w.step(1.0 / 50.0, 180, 60);
            w.take_contact_events(&mut events);
            begins += events.iter().filter(|e| e.begin && e.involves(b) && e.involves(ground)).count();
            if !w.body(b).awake {
                slept_at = Some(t);
                break;
            }
        }
        assert_eq!(begins, 1);
        assert!(slept_at.is_some(), "the box never fell asleep");
        let s = w.body(b);
        assert!((s.position[1] - 0.25).abs() < 0.02, "resting height {}", s.position[1]);
        // Destroying the resting box ends its contact.
        w.destroy_body(b);
        w.take_contact_events(&mut events);
        assert_eq!(events.len(), 1);
        assert!(!events[0].begin);
    }

    #[test]
    fn polygons_are_stored_in_hull_order_and_joints_hold() {
        let mut w = World::new([0.0, -10.0]);
        let a = w.create_body(BodyType::Dynamic, [0.0, 5.0], 0.0);
        let f = w.add_polygon(a, &[[-1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [1.0, 1.0]], &FixtureDef::default());
        assert_eq!(w.polygon_vertices(f).len(), 4);
        let pin = w.create_body(BodyType::Static, [0.0, 5.0], 0.0);
        w.create_revolute_joint(&RevoluteJointDef {
            body_a: pin,
            body_b: a,
            local_anchor_a: [0.0, 0.0],
            local_anchor_b: [0.0, 0.0],
            reference_angle: 0.0,
            enable_limit: true,
            lower_angle: -0.1,
            upper_angle: 0.1,
            enable_motor: false,
            motor_speed: 0.0,
            max_motor_torque: 0.0,
            collide_connected: false,
        });
        for _ in 0..100 {
            w.step(1.0 / 50.0, 8, 3);
        }
        let s = w.body(a);
        assert!(s.position[1] > 4.99, "the joint holds the body up: y = {}", s.position[1]);
    }

    #[test]
    fn worlds_step_on_several_threads() {
        let run = || {
            let mut w = World::new([0.0, -10.0]);
            let ground = w.create_body(BodyType::Static, [0.0, 0.0], 0.0);
            w.add_edge(ground, [-10.0, 0.0], [10.0, 0.0], &FixtureDef::default());
            let b = w.create_body(BodyType::Dynamic, [0.0, 3.0], 0.3);
            w.add_box(b, 0.5, 0.5, &FixtureDef { density: 1.0, ..FixtureDef::default() });
            for _ in 0..200 {
                w.step(1.0 / 60.0, 8, 3);
            }
            w.body(b)
        };
        let handles: Vec<_> = (0..4).map(|_| std::thread::spawn(run)).collect();
        let states: Vec<BodyState> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        assert!(states.windows(2).all(|p| p[0] == p[1]), "the same world gives the same result on any thread");
    }
}
