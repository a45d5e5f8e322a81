// A small C interface to the vendored Box2D 2.3.0 (pybox2d 2.3.10's sources) for Rust.
//
// Bodies, fixtures and joints are addressed by dense indices into per-world tables, so the Rust
// side never holds a Box2D pointer. Contact begin/end callbacks are recorded in order during
// `Step` (and `DestroyBody`) and read back afterwards. Every entry point takes the world it acts
// on; nothing here is global, so worlds may live on different threads.
//
// Part of deepq (MIT OR Apache-2.0); Box2D itself is zlib-licensed (vendor/Box2D/LICENSE).

#include <Box2D/Box2D.h>

#include <cstdint>
#include <new>
#include <vector>

namespace {

struct Event {
    int32_t begin;
    int32_t body_a;
    int32_t body_b;
    int32_t fixture_a;
    int32_t fixture_b;
};

inline int32_t tag_of(void* user_data) {
    return static_cast<int32_t>(reinterpret_cast<intptr_t>(user_data)) - 1;
}

inline void* tag(int32_t index) {
    return reinterpret_cast<void*>(static_cast<intptr_t>(index) + 1);
}

struct Recorder : public b2ContactListener {
    std::vector<Event> events;

    void push(int32_t begin, b2Contact* contact) {
        b2Fixture* fa = contact->GetFixtureA();
        b2Fixture* fb = contact->GetFixtureB();
        Event e;
        e.begin = begin;
        e.body_a = tag_of(fa->GetBody()->GetUserData());
        e.body_b = tag_of(fb->GetBody()->GetUserData());
        e.fixture_a = tag_of(fa->GetUserData());
        e.fixture_b = tag_of(fb->GetUserData());
        events.push_back(e);
    }
    void BeginContact(b2Contact* contact) override { push(1, contact); }
    void EndContact(b2Contact* contact) override { push(0, contact); }
};

}  // namespace

struct DqWorld {
    // Declared before `world`, so it is destroyed after it.
    Recorder recorder;
    b2World world;
    std::vector<b2Body*> bodies;
    std::vector<b2Fixture*> fixtures;
    std::vector<b2Joint*> joints;

    explicit DqWorld(const b2Vec2& gravity) : world(gravity) {
        // pybox2d's b2World(gravity, doSleep=True) sets allowSleeping after construction.
        world.SetAllowSleeping(true);
        world.SetContactListener(&recorder);
    }

    b2Body* body(int32_t i) const {
        return (i >= 0 && static_cast<size_t>(i) < bodies.size()) ? bodies[i] : nullptr;
    }
};

extern "C" {

struct DqFixtureDef {
    float friction;
    float restitution;
    float density;
    uint16_t category_bits;
    uint16_t mask_bits;
    int16_t group_index;
    uint8_t is_sensor;
};

struct DqRevoluteDef {
    int32_t body_a;
    int32_t body_b;
    float local_anchor_a[2];
    float local_anchor_b[2];
    float reference_angle;
    uint8_t enable_limit;
    uint8_t enable_motor;
    uint8_t collide_connected;
    float lower_angle;
    float upper_angle;
    float motor_speed;
    float max_motor_torque;
};

struct DqBodyState {
    float position[2];
    float angle;
    float linear_velocity[2];
    float angular_velocity;
    // The body's transform as Box2D holds it: position and rotation (cos, sin).
    float rotation[2];
    uint8_t awake;
};

void dqb2_version(int32_t out[3]) {
    out[0] = b2_version.major;
    out[1] = b2_version.minor;
    out[2] = b2_version.revision;
}

DqWorld* dqb2_world_new(float gx, float gy) {
    return new (std::nothrow) DqWorld(b2Vec2(gx, gy));
}

void dqb2_world_free(DqWorld* w) {
    if (w) {
        w->world.SetContactListener(nullptr);
        delete w;
    }
}

int32_t dqb2_body_new(DqWorld* w, int32_t type, float x, float y, float angle) {
    b2BodyDef def;
    def.type = type == 2 ? b2_dynamicBody : (type == 1 ? b2_kinematicBody : b2_staticBody);
    def.position.Set(x, y);
    def.angle = angle;
    int32_t index = static_cast<int32_t>(w->bodies.size());
    def.userData = tag(index);
    w->bodies.push_back(w->world.CreateBody(&def));
    return index;
}

int32_t dqb2_body_destroy(DqWorld* w, int32_t body) {
    b2Body* b = w->body(body);
    if (!b) return -1;
    for (b2Fixture* f = b->GetFixtureList(); f; f = f->GetNext()) {
        int32_t fi = tag_of(f->GetUserData());
        if (fi >= 0 && static_cast<size_t>(fi) < w->fixtures.size()) w->fixtures[fi] = nullptr;
    }
    for (b2JointEdge* je = b->GetJointList(); je; je = je->next) {
        int32_t ji = tag_of(je->joint->GetUserData());
        if (ji >= 0 && static_cast<size_t>(ji) < w->joints.size()) w->joints[ji] = nullptr;
    }
    w->world.DestroyBody(b);
    w->bodies[body] = nullptr;
    return 0;
}

static int32_t add_fixture(DqWorld* w, int32_t body, const b2Shape& shape, const DqFixtureDef* d) {
    b2Body* b = w->body(body);
    if (!b) return -1;
    b2FixtureDef def;
    def.shape = &shape;
    def.friction = d->friction;
    def.restitution = d->restitution;
    def.density = d->density;
    def.filter.categoryBits = d->category_bits;
    def.filter.maskBits = d->mask_bits;
    def.filter.groupIndex = d->group_index;
    def.isSensor = d->is_sensor != 0;
    int32_t index = static_cast<int32_t>(w->fixtures.size());
    def.userData = tag(index);
    w->fixtures.push_back(b->CreateFixture(&def));
    return index;
}

int32_t dqb2_fixture_polygon(DqWorld* w, int32_t body, const float* xy, int32_t count, const DqFixtureDef* d) {
    if (count < 3 || count > b2_maxPolygonVertices) return -1;
    b2Vec2 vs[b2_maxPolygonVertices];
    for (int32_t i = 0; i < count; ++i) vs[i].Set(xy[2 * i], xy[2 * i + 1]);
    b2PolygonShape shape;
    shape.Set(vs, count);
    return add_fixture(w, body, shape, d);
}

int32_t dqb2_fixture_box(DqWorld* w, int32_t body, float hx, float hy, const DqFixtureDef* d) {
    b2PolygonShape shape;
    shape.SetAsBox(hx, hy);
    return add_fixture(w, body, shape, d);
}

int32_t dqb2_fixture_edge(DqWorld* w, int32_t body, float x1, float y1, float x2, float y2, const DqFixtureDef* d) {
    b2EdgeShape shape;
    shape.Set(b2Vec2(x1, y1), b2Vec2(x2, y2));
    return add_fixture(w, body, shape, d);
}

int32_t dqb2_fixture_circle(DqWorld* w, int32_t body, float radius, float x, float y, const DqFixtureDef* d) {
    b2CircleShape shape;
    shape.m_radius = radius;
    shape.m_p.Set(x, y);
    return add_fixture(w, body, shape, d);
}

// Vertices of a polygon fixture (in the body's frame, in Box2D's hull order); returns the count.
int32_t dqb2_fixture_polygon_vertices(const DqWorld* w, int32_t fixture, float* out, int32_t max) {
    if (fixture < 0 || static_cast<size_t>(fixture) >= w->fixtures.size() || !w->fixtures[fixture]) return -1;
    const b2Shape* s = w->fixtures[fixture]->GetShape();
    if (s->GetType() != b2Shape::e_polygon) return -1;
    const b2PolygonShape* p = static_cast<const b2PolygonShape*>(s);
    int32_t n = p->m_count < max ? p->m_count : max;
    for (int32_t i = 0; i < n; ++i) {
        out[2 * i] = p->m_vertices[i].x;
        out[2 * i + 1] = p->m_vertices[i].y;
    }
    return p->m_count;
}

int32_t dqb2_revolute_joint(DqWorld* w, const DqRevoluteDef* d) {
    b2Body* a = w->body(d->body_a);
    b2Body* b = w->body(d->body_b);
    if (!a || !b) return -1;
    b2RevoluteJointDef def;
    def.bodyA = a;
    def.bodyB = b;
    def.collideConnected = d->collide_connected != 0;
    def.localAnchorA.Set(d->local_anchor_a[0], d->local_anchor_a[1]);
    def.localAnchorB.Set(d->local_anchor_b[0], d->local_anchor_b[1]);
    def.referenceAngle = d->reference_angle;
    def.enableLimit = d->enable_limit != 0;
    def.lowerAngle = d->lower_angle;
    def.upperAngle = d->upper_angle;
    def.enableMotor = d->enable_motor != 0;
    def.motorSpeed = d->motor_speed;
    def.maxMotorTorque = d->max_motor_torque;
    int32_t index = static_cast<int32_t>(w->joints.size());
    def.userData = tag(index);
    w->joints.push_back(w->world.CreateJoint(&def));
    return index;
}

int32_t dqb2_apply_force_to_center(DqWorld* w, int32_t body, float fx, float fy, uint8_t wake) {
    b2Body* b = w->body(body);
    if (!b) return -1;
    b->ApplyForceToCenter(b2Vec2(fx, fy), wake != 0);
    return 0;
}

int32_t dqb2_apply_force(DqWorld* w, int32_t body, float fx, float fy, float px, float py, uint8_t wake) {
    b2Body* b = w->body(body);
    if (!b) return -1;
    b->ApplyForce(b2Vec2(fx, fy), b2Vec2(px, py), wake != 0);
    return 0;
}

int32_t dqb2_apply_linear_impulse(DqWorld* w, int32_t body, float ix, float iy, float px, float py, uint8_t wake) {
    b2Body* b = w->body(body);
    if (!b) return -1;
    b->ApplyLinearImpulse(b2Vec2(ix, iy), b2Vec2(px, py), wake != 0);
    return 0;
}

int32_t dqb2_apply_torque(DqWorld* w, int32_t body, float torque, uint8_t wake) {
    b2Body* b = w->body(body);
    if (!b) return -1;
    b->ApplyTorque(torque, wake != 0);
    return 0;
}

void dqb2_step(DqWorld* w, float dt, int32_t velocity_iterations, int32_t position_iterations) {
    w->world.Step(dt, velocity_iterations, position_iterations);
}

int32_t dqb2_body_state(const DqWorld* w, int32_t body, DqBodyState* out) {
    b2Body* b = w->body(body);
    if (!b) return -1;
    const b2Transform& xf = b->GetTransform();
    out->position[0] = xf.p.x;
    out->position[1] = xf.p.y;
    out->angle = b->GetAngle();
    out->linear_velocity[0] = b->GetLinearVelocity().x;
    out->linear_velocity[1] = b->GetLinearVelocity().y;
    out->angular_velocity = b->GetAngularVelocity();
    out->rotation[0] = xf.q.c;
    out->rotation[1] = xf.q.s;
    out->awake = b->IsAwake() ? 1 : 0;
    return 0;
}

int32_t dqb2_body_mass(const DqWorld* w, int32_t body, float out[4]) {
    b2Body* b = w->body(body);
    if (!b) return -1;
    out[0] = b->GetMass();
    out[1] = b->GetInertia();
    out[2] = b->GetLocalCenter().x;
    out[3] = b->GetLocalCenter().y;
    return 0;
}

// Copies up to `max` recorded contact events (begin flag, body A, body B, fixture A, fixture B;
// bodies and fixtures as indices) into `out`, removes them, and returns how many were copied.
int32_t dqb2_take_events(DqWorld* w, int32_t* out, int32_t max) {
    std::vector<Event>& ev = w->recorder.events;
    int32_t n = static_cast<int32_t>(ev.size()) < max ? static_cast<int32_t>(ev.size()) : max;
    for (int32_t i = 0; i < n; ++i) {
        out[5 * i] = ev[i].begin;
        out[5 * i + 1] = ev[i].body_a;
        out[5 * i + 2] = ev[i].body_b;
        out[5 * i + 3] = ev[i].fixture_a;
        out[5 * i + 4] = ev[i].fixture_b;
    }
    ev.erase(ev.begin(), ev.begin() + n);
    return n;
}

int32_t dqb2_pending_events(const DqWorld* w) {
    return static_cast<int32_t>(w->recorder.events.size());
}

}  // extern "C"
